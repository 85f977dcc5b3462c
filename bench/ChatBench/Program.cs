using System.Runtime.InteropServices;
using ChatBench;
using ChatBench.Hosting;
using ChatBench.Measurement;
using ChatBench.Report;
using ChatBench.Scenarios;
using ChatBench.Systems;

// The benchmark of issue 12: one load generator drives this system (through the AppHost), a SignalR + Redis peer and a
// bare Kestrel peer with the same workload, and prints the comparison (docs/benchmarks.md). Modes: BenchOptions.
// Usage: dotnet run -c Release --project bench/ChatBench [-- all|compare|smoke|faults|profile [--option value ...]]
BenchConsole.Redirect();
var report = BenchConsole.Report;
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    report.WriteLine(exception.Message);
    return 2;
}

report.WriteLine(
    $"# ChatBench {options.Mode} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, "
    + $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {ProcFs.LoadAverage()} at start");
report.WriteLine($"(service and peer output: {BenchConsole.LogPath})");
#if DEBUG
// The services and peers run in the benchmark's own configuration.
report.WriteLine("WARNING: a Debug build; the services and peers run in Debug too. Measure with -c Release.");
#endif

try
{
    switch (options.Mode)
    {
        case "faults":
            await using (var ours = await OurSystem.StartAsync(options.ChatApiEnvironment))
            {
                await Faults.RunAsync(ours);
            }

            break;
        case "profile":
            await using (var ours = await OurSystem.StartAsync(ProfileRun.PerfFriendly.Concat(options.ChatApiEnvironment).ToDictionary()))
            {
                await ProfileRun.RunAsync(ours, options);
            }

            break;
        case "analyse":
            await ProfileRun.AnalyseAsync(options.OutputDirectory);
            break;
        default:
            var reports = new List<SystemReport>();
            foreach (var name in options.Systems)
            {
                await using var system = await SystemBenchmark.StartAsync(name, options);
                reports.Add(await SystemBenchmark.RunAsync(system, options));
                if (options.Mode == "all" && system is OurSystem ours)
                {
                    await Faults.RunAsync(ours);
                }
            }

            report.WriteLine();
            report.WriteLine($"## Comparison ({options.Shape.Connections} connections in rooms of {options.Shape.RoomSize}, {options.Shape.StepDuration.TotalSeconds:0.#} s steps; load average {ProcFs.LoadAverage()} at the end)");
            report.WriteLine();
            ComparisonTable.Write(report, reports, options.Connectors);

            if (options.Mode == "smoke")
            {
                var problems = reports.SelectMany(SystemBenchmark.SmokeProblems).ToList();
                report.WriteLine();
                report.WriteLine(problems.Count == 0 ? "SMOKE PASSED" : $"SMOKE FAILED:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
                return problems.Count == 0 ? 0 : 1;
            }

            break;
    }
}
catch (Exception exception)
{
    report.WriteLine($"FAILED: {exception.GetType().Name}: {exception.Message} (details in {BenchConsole.LogPath})");
    BenchConsole.Log.WriteLine(exception);
    return 1;
}

return 0;
