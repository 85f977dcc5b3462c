using ChatBench.Measurement;
using ChatBench.Hosting;
using ChatBench.Report;
using ChatBench.Systems;
using ChatBench.Workload;

namespace ChatBench;

/// <summary>Everything the comparison measures on one running system, printed as it goes.</summary>
internal static class SystemBenchmark
{
    public static async Task<IChatSystem> StartAsync(string name, BenchOptions options)
    {
        BenchConsole.Progress($"Starting {name}…");
        return name switch
        {
            "ours" => await OurSystem.StartAsync(options.ChatApiEnvironment),
            "signalr" => await SignalRSystem.StartAsync(),
            "kestrel" => await KestrelSystem.StartAsync(),
            _ => throw new ArgumentException($"No system named {name}.", nameof(name)),
        };
    }

    public static async Task<SystemReport> RunAsync(IChatSystem system, BenchOptions options)
    {
        var report = BenchConsole.Report;
        report.WriteLine();
        report.WriteLine($"### {system.Title}");
        var steps = new List<StepResult>();
        StepResult? peak = null, halfPeak = null;
        if (options.Parts.Contains("steps"))
        {
            (steps, peak, halfPeak) = await StepsAsync(system, options);
        }

        report.WriteLine();
        var idle = options.Parts.Contains("idle")
            ? await IdleMemory.MeasureAsync(system, options.IdleConnections, options.Connectors)
            : new IdleMemoryResult(0, 0, 0, string.Empty);
        if (idle.Connections > 0)
        {
            report.WriteLine(
                $"- Idle: {Numbers.Count(idle.Connections)} connections, RSS of {string.Join(" + ", system.ConnectionHolders.Select(group => group.Name))} "
                + $"{Numbers.Count(idle.BeforeKiB)} → {Numbers.Count(idle.AfterKiB)} KiB: {Numbers.Decimal(idle.KiBPerConnection)} KiB per connection"
                + (idle.Failures.Length > 0 ? $" ({idle.Failures})" : ""));
        }

        var connects = new List<ConnectRateResult>();
        foreach (var connectCase in options.Parts.Contains("connect") ? await system.ConnectCasesAsync(options.FreshTokens) : [])
        {
            var cpu = CpuMeter.Start(system.Processes);
            var result = await ConnectRate.MeasureAsync(connectCase, options.Connectors, options.ConnectDuration);
            var usage = cpu.Stop();
            connects.Add(result);
            report.WriteLine(
                $"- Connect, {result.Case}, {result.Connectors} connectors: {Numbers.Count(result.Connects)} in {Numbers.Decimal(result.Seconds)} s = "
                + $"{Numbers.Count(result.PerSecond)}/s, p50 / p99 / max {result.Latency.Percentiles()} ms"
                + (result.Unavailable > 0 ? $", {Numbers.Count(result.Unavailable)} answered 503" : "")
                + (result.Failures.Length > 0 ? $" ({result.Failures})" : "")
                + $"; CPU, cores: {usage}");
        }

        return new SystemReport(system.Name, system.Title, system.Notes, system.Acknowledges, steps, peak, halfPeak, idle, connects);
    }

    private static async Task<(List<StepResult> Steps, StepResult? Peak, StepResult? HalfPeak)> StepsAsync(IChatSystem system, BenchOptions options)
    {
        var report = BenchConsole.Report;
        report.WriteLine();
        report.WriteLine(StepTable.Header);
        if (options.WarmUp > TimeSpan.Zero)
        {
            // Not reported: the first messages through a fresh process pay for JIT compilation and connection pools.
            await RateStep.RunAsync(system, options.Shape with { StepDuration = options.WarmUp }, options.Search.StartRate);
        }

        var ladder = 0;
        if (options.FixedRates.Count > 0)
        {
            // Experiments: the given rates, in order, no search; the highest passing one stands as the peak.
            var fixedSteps = new List<StepResult>();
            foreach (var rate in options.FixedRates)
            {
                var step = await RateStep.RunAsync(system, options.Shape, rate);
                fixedSteps.Add(step);
                report.WriteLine(StepTable.Row($"{++ladder}", step));
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            return (fixedSteps, fixedSteps.Where(step => step.Passed).MaxBy(step => step.RatePerMember), null);
        }

        var (steps, peak) = await options.Search.RunAsync(system, options.Shape, step => report.WriteLine(StepTable.Row($"{++ladder}", step)));
        var halfPeak = peak;
        if (peak is not null && options.HalfPeakStep)
        {
            halfPeak = await RateStep.RunAsync(system, options.Shape, peak.RatePerMember / 2);
            report.WriteLine(StepTable.Row("50 % of peak", halfPeak));
        }

        return ([.. steps], peak, halfPeak);
    }

    /// <summary>
    /// What makes a smoke run fail: anything short of every message delivered (and acknowledged) and every connect
    /// working (the smoke options do not judge latency; a 503 while a dependency is slow is an answer, not a failure,
    /// as long as some connects went through).
    /// </summary>
    public static IEnumerable<string> SmokeProblems(SystemReport report)
    {
        foreach (var step in report.Steps.Where(step => !step.Passed || step.Failures.Length > 0 || step.Delivered < step.Expected))
        {
            yield return $"{report.Name}: step at {step.RatePerMember}/s per member delivered {step.Delivered} of {step.Expected} (p99 {step.Delivery.Milliseconds(99)} ms) {step.Failures}";
        }

        foreach (var step in report.Steps.Where(step => report.Acknowledges && step.Acknowledged < step.Sent))
        {
            yield return $"{report.Name}: {step.Acknowledged} of {step.Sent} sends acknowledged";
        }

        if (report.Idle.Failures.Length > 0)
        {
            yield return $"{report.Name}: idle connections: {report.Idle.Failures}";
        }

        foreach (var connect in report.Connects.Where(connect => connect.Connects == 0 || connect.Failures.Length > 0))
        {
            yield return $"{report.Name}: connect ({connect.Case}): {connect.Connects} connects {connect.Failures}";
        }
    }
}
