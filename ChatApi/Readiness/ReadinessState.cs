using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Readiness;

/// <summary>
/// Whether this node may take new sessions, answered without I/O at every <c>/ws</c> request: from the latest
/// readiness report (refreshed every second in the background) and the shutdown flag.
/// </summary>
public sealed class ReadinessState(TimeProvider timeProvider)
{
    /// <summary>A report older than this no longer counts (the publisher stalled): fail open rather than refuse everyone.</summary>
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(10);

    private volatile Snapshot? _latest;
    private volatile bool _shuttingDown;

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>
    /// True when the latest report (refreshed every second) says <paramref name="check"/> failed: an outage already
    /// known, so callers answer at once instead of waiting on the dependency. False when unknown or stale.
    /// </summary>
    public bool IsKnownDown(string check) =>
        _latest is { } latest && timeProvider.GetUtcNow() - latest.At < Staleness && latest.Unhealthy.Contains(check);

    public void BeginShutdown() => _shuttingDown = true;

    public void Update(HealthReport report)
    {
        var unhealthy = report.Entries.Where(entry => entry.Value.Status == HealthStatus.Unhealthy).Select(entry => entry.Key).ToArray();
        _latest = new Snapshot(unhealthy, timeProvider.GetUtcNow());
    }

    /// <summary>True when new sessions are welcome; otherwise <paramref name="reason"/> says why (no secrets).</summary>
    public bool IsReady(out string reason)
    {
        if (_shuttingDown)
        {
            reason = "The node is shutting down.";
            return false;
        }

        if (_latest is { Unhealthy.Length: > 0 } latest && timeProvider.GetUtcNow() - latest.At < Staleness)
        {
            reason = $"Not ready: {string.Join(", ", latest.Unhealthy)} unavailable.";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private sealed record Snapshot(string[] Unhealthy, DateTimeOffset At);
}
