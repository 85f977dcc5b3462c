namespace ChatApi.Tests.Distributed.Outages;

/// <summary>Takes a dependency out (<see cref="OutageMode"/>) and brings it back, through the topology's fault injection.</summary>
public static class DependencyFault
{
    /// <summary>Returns once the dependency is out: stopped (its process exited) or frozen.</summary>
    public static async Task InjectAsync(DistributedTopology topology, string resource, OutageMode mode)
    {
        switch (mode)
        {
            case OutageMode.Down:
                await topology.StopAsync(resource);
                break;
            case OutageMode.Hung:
                topology.Pause(resource);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }

    /// <summary>Returns once the dependency is back: started and healthy again (down), or thawed (hung).</summary>
    public static async Task RestoreAsync(DistributedTopology topology, string resource, OutageMode mode)
    {
        switch (mode)
        {
            case OutageMode.Down:
                await topology.StartAsync(resource);
                break;
            case OutageMode.Hung:
                topology.Resume(resource);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }
}
