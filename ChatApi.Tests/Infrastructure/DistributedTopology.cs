namespace ChatApi.Tests.Infrastructure;

/// <summary>Starts the whole system the way the current AppHost mode does (see README, "Two AppHost modes").</summary>
public static class DistributedTopology
{
    public static async Task<IDistributedTopology> StartAsync(TopologyOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TopologyOptions();
#if USE_ASPIRE
        return await AspireTopology.StartAsync(options, cancellationToken);
#else
        return await LocalTopology.StartAsync(options, cancellationToken);
#endif
    }
}
