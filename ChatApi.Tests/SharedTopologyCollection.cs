namespace ChatApi.Tests;

/// <summary>Tests of this assembly that share one topology (see <see cref="SharedTopologyFixture"/>).</summary>
[CollectionDefinition(SharedTopologyFixture.Collection)]
public sealed class SharedTopologyCollection : ICollectionFixture<SharedTopologyFixture>;
