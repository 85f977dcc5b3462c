namespace AppHost.Testing.Fixtures;

/// <summary>
/// The default two-replica topology, shared by the tests that do not break anything. Each test assembly declares
/// the collection (xunit wants collection definitions in the test assembly): <c>[CollectionDefinition(SharedTopologyFixture.Collection)]</c>.
/// </summary>
public sealed class SharedTopologyFixture : TopologyFixture
{
    public const string Collection = "Shared topology";
}
