namespace ChatApi.Tests.Infrastructure;

/// <summary>What a test class needs from its topology.</summary>
public sealed record TopologyOptions
{
    public int ChatApiReplicas { get; init; } = 2;

    public int AuthServiceReplicas { get; init; } = 1;

    public bool Dashboard { get; init; }

    /// <summary>Extra configuration per service (<c>authservice</c>, <c>chatapi</c>), as environment variables.</summary>
    public Dictionary<string, Dictionary<string, string>> ServiceEnvironment { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
