using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace ChatBench.Measurement;

/// <summary>A latency distribution in microseconds (HdrHistogram, 3 significant digits, up to 2 minutes), thread-safe.</summary>
internal sealed class Latency
{
    private readonly LongConcurrentHistogram _histogram = new(1, 120_000_000, 3);

    public long Count => _histogram.TotalCount;

    /// <summary>From <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) to now.</summary>
    public void Record(long startTimestamp) => RecordBetween(startTimestamp, Stopwatch.GetTimestamp());

    public void RecordBetween(long startTimestamp, long endTimestamp)
    {
        var microseconds = (endTimestamp - startTimestamp) * 1_000_000 / Stopwatch.Frequency;
        _histogram.RecordValue(Math.Clamp(microseconds, 1, _histogram.HighestTrackableValue));
    }

    /// <summary>The value at <paramref name="percentile"/> (0..100) in milliseconds; NaN when empty.</summary>
    public double Milliseconds(double percentile) =>
        Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>"p50 / p99 / max" in milliseconds.</summary>
    public string Percentiles() => Count == 0
        ? "n/a"
        : $"{Format(Milliseconds(50))} / {Format(Milliseconds(99))} / {Format(Milliseconds(100))}";

    private static string Format(double milliseconds) =>
        milliseconds.ToString(milliseconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}
