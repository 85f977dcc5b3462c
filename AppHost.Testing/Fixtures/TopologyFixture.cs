using Xunit;

namespace AppHost.Testing.Fixtures;

/// <summary>One topology for the lifetime of a test class or collection; subclasses choose its options.</summary>
public abstract class TopologyFixture : IAsyncLifetime
{
    private DistributedTopology? _topology;

    public DistributedTopology Topology => _topology ?? throw new InvalidOperationException("The topology has not started.");

    protected virtual TopologyOptions Options => new();

    public async Task InitializeAsync() => _topology = await DistributedTopology.StartAsync(Options);

    public async Task DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
