namespace AppHost.Testing;

/// <summary>What the topology waits for from a service's own /health.</summary>
internal enum ReadinessLevel
{
    /// <summary>200: ready for traffic (a Degraded check still counts).</summary>
    Ready,

    /// <summary>200 and every check Healthy: nothing degraded, e.g. ChatApi's auth circuit closed.</summary>
    EveryCheckHealthy,
}
