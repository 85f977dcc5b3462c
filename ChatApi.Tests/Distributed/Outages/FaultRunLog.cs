using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>What happened during a randomized run, on one clock: the timeline of injected faults, what clients met, and every contract violation seen live.</summary>
public sealed class FaultRunLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _timeline = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<string> Timeline => [.. _timeline];

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>How often each kind of event happened (connect statuses, close codes, error codes...), by name.</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    public void Event(string what) => _timeline.Enqueue(Stamp(what));

    public void Violation(string what) => _violations.Enqueue(Stamp(what));

    public void Count(string what) => _counts.AddOrUpdate(what, 1, (_, count) => count + 1);

    private string Stamp(string what) => string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,7:0.00} s  {what}");
}
