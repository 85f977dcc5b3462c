namespace AppHost.Testing;

/// <summary>What a test class needs from its topology.</summary>
public sealed record TopologyOptions
{
    /// <summary>ChatApi replicas; 0 leaves ChatApi out of the model.</summary>
    public int ChatApiReplicas { get; init; } = 2;

    public int AuthServiceReplicas { get; init; } = 1;

    /// <summary>
    /// PostgreSQL flushes its writes to disk, as it does when the AppHost runs for real. Off by default: tests use
    /// throwaway data, and the flushes only cost time; the benchmark turns it on (an ack means durable).
    /// </summary>
    public bool DurableStorage { get; init; }

    /// <summary>
    /// Whether the browser front end (<c>webfrontend</c>) runs and is waited for. Off, it stays in the model without
    /// starting (ChatApi's allowed origin still names it), so tests that do not need it do not pay for it.
    /// </summary>
    public bool WebFrontend { get; init; }

    /// <summary>
    /// Whether Aspire holds a service back until its dependencies are healthy (the AppHost's WaitFor). Off, a service
    /// starts at once, as in a deployment where nothing waits for it: to test its own patience.
    /// </summary>
    public bool ServicesWaitForDependencies { get; init; } = true;

    /// <summary>Extra configuration per service (<c>authservice</c>, <c>chatapi</c>), as environment variables.</summary>
    public Dictionary<string, Dictionary<string, string>> ServiceEnvironment { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
