using System.Globalization;
using ChatBench.Report;

namespace ChatBench.Scenarios;

/// <summary>
/// A <c>dotnet-counters collect --format csv</c> file (1 s intervals) reduced to one mean per counter, and the few that
/// explain a replica's cost put per message: CPU, allocation, GC, thread pool, and ChatApi's own meter.
/// </summary>
internal sealed class CounterSummary
{
    private readonly Dictionary<string, (double Sum, int Count)> _counters;

    private CounterSummary(Dictionary<string, (double Sum, int Count)> counters, double seconds)
    {
        _counters = counters;
        Seconds = seconds;
    }

    public double Seconds { get; }

    /// <summary>Reads the files of one replica's sessions (missing ones are skipped) into one summary.</summary>
    public static CounterSummary Read(params string[] paths)
    {
        var counters = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        var timestamps = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in paths.Where(File.Exists).SelectMany(path => File.ReadLines(path).Skip(1)))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment: the name may hold commas, the ends do not.
            var first = line.IndexOf(',', StringComparison.Ordinal);
            var second = line.IndexOf(',', first + 1);
            var last = line.LastIndexOf(',');
            var beforeLast = line.LastIndexOf(',', last - 1);
            if (first < 0 || second < 0 || beforeLast <= second
                || !double.TryParse(line.AsSpan(last + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            timestamps.Add(line[..first]);
            var name = line[(second + 1)..beforeLast];
            var (sum, count) = counters.GetValueOrDefault(name);
            counters[name] = (sum + value, count + 1);
        }

        return new CounterSummary(counters, timestamps.Count);
    }

    /// <summary>The sum of the means of the counters whose names start with <paramref name="prefix"/> (NaN when none).</summary>
    public double Mean(string prefix)
    {
        var matches = _counters.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count == 0 ? double.NaN : matches.Sum(pair => pair.Value.Sum / pair.Value.Count);
    }

    /// <param name="deliveriesPerSecond">Messages this replica handed to its members per second (NaN when unknown).</param>
    /// <param name="sendsPerSecond">Sends this replica received (and stored) per second.</param>
    public void Write(TextWriter writer, double deliveriesPerSecond, double sendsPerSecond)
    {
        var cpu = Mean("dotnet.process.cpu.time");
        var allocated = Mean("dotnet.gc.heap.total_allocated");
        writer.WriteLine(
            $"Means over {Numbers.Decimal(Seconds, "0")} s. This replica delivered about {Numbers.Count(deliveriesPerSecond)} messages/s to its "
            + $"members and stored {Numbers.Count(sendsPerSecond)} sends/s.");
        writer.WriteLine();
        writer.WriteLine("| what | mean | per delivered message |");
        writer.WriteLine("| --- | --- | --- |");
        writer.WriteLine($"| CPU (user + system), cores | {Numbers.Decimal(cpu, "0.00")} | {Numbers.Decimal(cpu * 1e6 / deliveriesPerSecond)} µs |");
        writer.WriteLine($"| allocated, MB/s | {Numbers.Decimal(allocated / 1e6)} | {Numbers.Count(allocated / deliveriesPerSecond)} bytes |");
        writer.WriteLine($"| GC collections/s (gen0 / gen1 / gen2) | {Numbers.Decimal(Mean("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]"), "0.00")} / {Numbers.Decimal(Mean("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen1]"), "0.00")} / {Numbers.Decimal(Mean("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen2]"), "0.00")} | |");
        writer.WriteLine($"| time paused for GC | {Numbers.Decimal(100 * Mean("dotnet.gc.pause.time"), "0.00")} % | |");
        writer.WriteLine($"| thread-pool queue length | {Numbers.Decimal(Mean("ThreadPool Queue Length"), "0.0")} | |");
        writer.WriteLine($"| thread-pool threads | {Numbers.Decimal(Mean("ThreadPool Thread Count"), "0.0")} | |");
        writer.WriteLine($"| thread-pool work items/s | {Numbers.Count(Mean("dotnet.thread_pool.work_item.count"))} | {Numbers.Decimal(Mean("dotnet.thread_pool.work_item.count") / deliveriesPerSecond, "0.00")} |");
        writer.WriteLine($"| lock contentions/s | {Numbers.Decimal(Mean("dotnet.monitor.lock_contentions"), "0.0")} | |");
        foreach (var (name, (sum, count)) in _counters.Where(pair => pair.Key.StartsWith("chat.", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteLine($"| ChatApi {name} | {Numbers.Decimal(sum / count, "0.###")} | |");
        }
    }
}
