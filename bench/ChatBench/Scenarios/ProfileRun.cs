using System.Globalization;
using ChatBench.Hosting;
using ChatBench.Report;
using ChatBench.Systems;
using ChatBench.Workload;

namespace ChatBench.Scenarios;

/// <summary>
/// Where the time goes: our system under a steady load (the comparison's workload at one rate) with, one after the
/// other on the first replica, a <c>dotnet-trace</c> of sampled thread stacks, a <c>perf</c> CPU profile (when perf is
/// installed; ChatApi then writes perf maps for its JIT-compiled code) and a <c>dotnet-trace</c> of GC and allocation
/// sampling, while <c>dotnet-counters</c> watches both replicas throughout. The files go to a directory of their own
/// and are summarised (<see cref="AnalyseAsync"/>, also the <c>analyse</c> mode on a directory).
/// </summary>
internal static class ProfileRun
{
    /// <summary>What ChatApi needs for perf to name its JIT-compiled frames: perf maps, and code not double-mapped (W^X).</summary>
    public static readonly IReadOnlyDictionary<string, string> PerfFriendly = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    private const string LoadFile = "load.txt";
    private const string StacksFile = "chatapi-0-stacks.nettrace";
    private const string GcFile = "chatapi-0-gc.nettrace";
    private const string PerfFile = "chatapi-0.perf.data";
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CountersWindow = TimeSpan.FromSeconds(35);
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(OurSystem system, BenchOptions options)
    {
        var report = BenchConsole.Report;
        var directory = Path.GetFullPath(Path.Combine(options.OutputDirectory, $"profile-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        Directory.CreateDirectory(directory);
        var replicas = system.ConnectionHolders.Select(group => (group.Name, Pid: group.Processes().Single())).ToList();
        report.WriteLine();
        report.WriteLine($"### Profile: {options.Shape.Connections} connections, {options.ProfileRate} msg/s per member for {options.ProfileDuration.TotalSeconds:0} s");
        report.WriteLine();
        report.WriteLine($"Files in {directory}; {string.Join(", ", replicas.Select(replica => $"{replica.Name} is pid {replica.Pid}"))}.");

        var load = RateStep.RunAsync(system, options.Shape with { StepDuration = options.ProfileDuration }, options.ProfileRate);
        await Task.Delay(WarmUp);
        var counters = replicas.SelectMany(replica => new[]
        {
            // Runtime and ChatApi meters; then, apart (the tool takes a provider either way, not both), the event
            // counters' thread-pool queue length and thread count, which the meter has only as rates of change.
            Counters(replica.Pid, Path.Combine(directory, $"counters-{replica.Name}.csv"), "System.Runtime,ChatApi"),
            Counters(replica.Pid, Path.Combine(directory, $"threadpool-{replica.Name}.csv"), @"EventCounters\System.Runtime[threadpool-queue-length,threadpool-thread-count]"),
        }).ToList();

        var pid = Text(replicas[0].Pid);
        await DiagnosticsTool.RunAsync("dotnet-trace",
            ["collect", "-p", pid, "--profile", "dotnet-sampled-thread-time", "--duration", Duration(Slice), "-o", Path.Combine(directory, StacksFile)]);
        if (DiagnosticsTool.Perf() is { } perf)
        {
            await DiagnosticsTool.RunAsync(perf,
                ["record", "-F", "499", "-g", "-p", pid, "-o", Path.Combine(directory, PerfFile), "--", "sleep", Text((int)Slice.TotalSeconds)]);
            // JIT-compiled frames are named from the process's perf map: report while the process lives.
            await ReportPerfAsync(perf, directory);
        }

        await DiagnosticsTool.RunAsync("dotnet-trace",
            ["collect", "-p", pid, "--profile", "gc-verbose", "--duration", Duration(Slice), "-o", Path.Combine(directory, GcFile)]);
        await Task.WhenAll(counters);
        var step = await load;

        report.WriteLine();
        report.WriteLine(StepTable.Header);
        report.WriteLine(StepTable.Row("profile", step));
        await File.WriteAllTextAsync(Path.Combine(directory, LoadFile), string.Create(
            CultureInfo.InvariantCulture, $"{step.DeliveredPerSecond / replicas.Count} {step.OfferedPerSecond / replicas.Count}"));
        await AnalyseAsync(directory);
    }

    /// <summary>Summarises a profile directory: counters per replica, busy stacks, perf's hottest symbols, allocations and pauses.</summary>
    public static async Task AnalyseAsync(string directory)
    {
        var report = BenchConsole.Report;
        var load = File.Exists(Path.Combine(directory, LoadFile))
            ? (await File.ReadAllTextAsync(Path.Combine(directory, LoadFile))).Split(' ').Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray()
            : [double.NaN, double.NaN];
        foreach (var counters in Directory.GetFiles(directory, "counters-*.csv").Order(StringComparer.Ordinal))
        {
            report.WriteLine();
            report.WriteLine($"#### {Path.GetFileNameWithoutExtension(counters)["counters-".Length..]}: counters");
            report.WriteLine();
            var threadPool = Path.Combine(directory, Path.GetFileName(counters).Replace("counters-", "threadpool-", StringComparison.Ordinal));
            CounterSummary.Read(counters, threadPool).Write(report, deliveriesPerSecond: load[0], sendsPerSecond: load[1]);
        }

        if (File.Exists(Path.Combine(directory, StacksFile)))
        {
            report.WriteLine();
            report.WriteLine("#### chatapi-0: sampled thread stacks (dotnet-trace), busy threads only");
            report.WriteLine();
            TraceSummary.WriteBusyStacks(report, Path.Combine(directory, StacksFile), top: 25);
        }

        foreach (var (file, title) in new[] { ("perf-self.txt", "self"), ("perf-children.txt", "with callees") })
        {
            if (File.Exists(Path.Combine(directory, file)))
            {
                report.WriteLine();
                report.WriteLine($"#### chatapi-0: perf, on-CPU samples by symbol ({title}; full report in {file})");
                report.WriteLine();
                report.WriteLine("```");
                foreach (var line in File.ReadLines(Path.Combine(directory, file)).Where(line => line.Length > 0 && !line.StartsWith('#')).Take(30))
                {
                    report.WriteLine(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).TrimEnd(' ', '-'));
                }

                report.WriteLine("```");
            }
        }

        if (File.Exists(Path.Combine(directory, GcFile)))
        {
            report.WriteLine();
            report.WriteLine("#### chatapi-0: allocations and GC pauses (dotnet-trace gc-verbose)");
            report.WriteLine();
            TraceSummary.WriteAllocationsAndPauses(report, Path.Combine(directory, GcFile), top: 20);
        }
    }

    private static async Task Counters(int pid, string output, string counters)
    {
        await DiagnosticsTool.RunAsync("dotnet-counters",
            ["collect", "-p", Text(pid), "--format", "csv", "-o", output, "--refresh-interval", "1", "--duration", Duration(CountersWindow), "--counters", counters]);
        if (!File.Exists(output))
        {
            throw new InvalidOperationException($"dotnet-counters wrote no {output} (see {BenchConsole.LogPath}).");
        }
    }

    private static async Task ReportPerfAsync(string perf, string directory)
    {
        var data = Path.Combine(directory, PerfFile);
        foreach (var (file, mode) in new[] { ("perf-self.txt", "--no-children"), ("perf-children.txt", "--children") })
        {
            await using var output = File.CreateText(Path.Combine(directory, file));
            await DiagnosticsTool.RunAsync(perf, ["report", "-i", data, mode, "--stdio", "-g", "none", "--sort", "dso,symbol", "--percent-limit", "0.3"], output);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture);
}
