using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Readiness;

/// <summary>
/// Whether this node may take new sessions, answered without I/O at every <c>/ws</c> request: from the latest
/// readiness report (refreshed every second in the background, and by every <c>/health</c> request) and the shutdown
/// flag.
/// </summary>
/// <remarks>
/// Reports may finish out of order (a background run and a <c>/health</c> request overlap, each check bounded at
/// 500 ms): the report that began looking last wins, so a slow run cannot bring back an outage a newer one saw end.
/// </remarks>
public sealed class ReadinessState(TimeProvider timeProvider)
{
    /// <summary>A report older than this no longer counts (the publisher stalled): fail open rather than refuse everyone.</summary>
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(10);

    private readonly Lock _updating = new();
    private Snapshot? _latest;
    private volatile bool _shuttingDown;

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>
    /// True when the latest report (refreshed every second) says <paramref name="check"/> failed: an outage already
    /// known, so callers answer at once instead of waiting on the dependency. False when unknown or stale.
    /// </summary>
    public bool IsKnownDown(string check) =>
        Volatile.Read(ref _latest) is { } latest && IsFresh(latest) && latest.Unhealthy.Contains(check);

    public void BeginShutdown() => _shuttingDown = true;

    public void Update(HealthReport report)
    {
        var unhealthy = report.Entries.Where(entry => entry.Value.Status == HealthStatus.Unhealthy).Select(entry => entry.Key).ToArray();
        var snapshot = new Snapshot(unhealthy, timeProvider.GetUtcNow() - report.TotalDuration);
        lock (_updating)
        {
            if (_latest is null || _latest.StartedAt <= snapshot.StartedAt)
            {
                Volatile.Write(ref _latest, snapshot);
            }
        }
    }

    /// <summary>True when new sessions are welcome; otherwise <paramref name="reason"/> says why (no secrets).</summary>
    public bool IsReady(out string reason)
    {
        if (_shuttingDown)
        {
            reason = "The node is shutting down.";
            return false;
        }

        if (Volatile.Read(ref _latest) is { Unhealthy.Length: > 0 } latest && IsFresh(latest))
        {
            reason = $"Not ready: {string.Join(", ", latest.Unhealthy)} unavailable.";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private bool IsFresh(Snapshot snapshot) => timeProvider.GetUtcNow() - snapshot.StartedAt < Staleness;

    /// <summary>The unhealthy checks of one report and when that report began running them.</summary>
    private sealed record Snapshot(string[] Unhealthy, DateTimeOffset StartedAt);
}
