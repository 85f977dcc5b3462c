using System.Diagnostics;
using HdrHistogram;

namespace ChatBench;

/// <summary>A latency distribution in microseconds (HdrHistogram, 3 significant digits), thread-safe.</summary>
internal sealed class Latency
{
    private readonly LongConcurrentHistogram _histogram = new(1, 120_000_000, 3);

    public long Count => _histogram.TotalCount;

    public void Record(long startTimestamp) =>
        _histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds));

    public void Record(TimeSpan elapsed) => _histogram.RecordValue(Math.Max(1, (long)elapsed.TotalMicroseconds));

    public string Percentiles() => Count == 0
        ? "n/a"
        : $"{Ms(50)} / {Ms(99)} / {Ms(100)}";

    private string Ms(double percentile) =>
        (_histogram.GetValueAtPercentile(percentile) / 1000.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
