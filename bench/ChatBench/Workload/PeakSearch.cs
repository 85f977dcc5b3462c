using ChatBench.Systems;

namespace ChatBench.Workload;

/// <summary>
/// The highest rate a system passes: the rate per member doubles from <see cref="StartRate"/> until a step fails, then
/// <see cref="Refinements"/> bisections between the last pass and the first failure. When the start rate itself
/// fails, the rate halves (at most <see cref="StepsDown"/> times) until a step passes, so a slow system or a busy
/// machine still gets a peak rather than none.
/// </summary>
internal sealed record PeakSearch(double StartRate, double MaxRate, int MaxLadderSteps, int Refinements)
{
    public int StepsDown { get; init; } = 3;

    /// <summary>Every step in the order run, and the best passing one (null when even the first failed).</summary>
    public async Task<(IReadOnlyList<StepResult> Steps, StepResult? Peak)> RunAsync(IChatSystem system, WorkloadShape shape, Action<StepResult> onStep)
    {
        var steps = new List<StepResult>();
        StepResult? best = null;
        double? failedRate = null;
        var rate = StartRate;
        for (var ladder = 0; ladder < MaxLadderSteps && rate <= MaxRate; ladder++, rate *= 2)
        {
            var result = await RunAsync(system, shape, rate, steps, onStep);
            if (!result.Passed)
            {
                failedRate = rate;
                break;
            }

            best = result;
        }

        for (var down = 0; down < StepsDown && best is null && MaxLadderSteps > 1 && failedRate is { } failed; down++)
        {
            var result = await RunAsync(system, shape, failed / 2, steps, onStep);
            if (result.Passed)
            {
                best = result;
            }
            else
            {
                failedRate = result.RatePerMember;
            }
        }

        for (var refinement = 0; refinement < Refinements && best is not null && failedRate is { } failed; refinement++)
        {
            var result = await RunAsync(system, shape, (best.RatePerMember + failed) / 2, steps, onStep);
            if (result.Passed)
            {
                best = result;
            }
            else
            {
                failedRate = result.RatePerMember;
            }
        }

        return (steps, best);
    }

    private static async Task<StepResult> RunAsync(IChatSystem system, WorkloadShape shape, double rate, List<StepResult> steps, Action<StepResult> onStep)
    {
        var result = await RateStep.RunAsync(system, shape, rate);
        steps.Add(result);
        onStep(result);
        // A pause between steps, so one step's backlog and garbage do not land in the next.
        await Task.Delay(TimeSpan.FromSeconds(2));
        return result;
    }
}
