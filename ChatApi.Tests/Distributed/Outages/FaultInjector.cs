using System.Diagnostics;
using System.Globalization;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>Plays a <see cref="FaultPlan"/> against the topology, one step at a time, writing each action to the run's timeline.</summary>
public sealed class FaultInjector(DistributedTopology topology, FaultRunLog log)
{
    public async Task RunAsync(FaultPlan plan)
    {
        foreach (var step in plan.Steps)
        {
            await Task.Delay(step.Gap);
            await InjectAsync(step);
        }
    }

    private async Task InjectAsync(FaultStep step)
    {
        switch (step.Kind)
        {
            case FaultKind.Freeze:
                topology.Pause(step.Target);
                log.Event($"froze {step.Target} for {Seconds(step.Hold)}");
                try
                {
                    await Task.Delay(step.Hold);
                }
                finally
                {
                    topology.Resume(step.Target);
                    log.Event($"thawed {step.Target}");
                }

                break;

            case FaultKind.Kill:
                log.Event($"SIGKILL {step.Target}");
                await topology.KillAsync(step.Target);
                log.Event($"{step.Target} exited; down for {Seconds(step.Hold)}");
                await Task.Delay(step.Hold);
                await StartAsync(step.Target);
                break;

            case FaultKind.Stop:
                log.Event($"stop {step.Target}");
                var stopping = Stopwatch.StartNew();
                await topology.StopAsync(step.Target);
                log.Event($"{step.Target} stopped after {Seconds(stopping.Elapsed)}; down for {Seconds(step.Hold)}");
                await Task.Delay(step.Hold);
                await StartAsync(step.Target);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, null);
        }
    }

    private async Task StartAsync(string resource)
    {
        log.Event($"start {resource}");
        var starting = Stopwatch.StartNew();
        await topology.StartAsync(resource);
        log.Event($"{resource} healthy after {Seconds(starting.Elapsed)}");
    }

    private static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s");
}
