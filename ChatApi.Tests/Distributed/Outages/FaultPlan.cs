using System.Globalization;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// The randomized run's faults, all drawn up front from one seeded <see cref="Random"/>, so a run is reproduced from
/// its printed seed: one dependency at a time (postgres, cache, authservice) frozen, killed or stopped for a moment
/// and restored, within a budget of calm + outage time; and, at random places among them, one ChatApi replica
/// restarted gracefully (1012) and one SIGKILLed, each started again.
/// </summary>
public sealed record FaultPlan(int Seed, IReadOnlyList<FaultStep> Steps)
{
    public const string SeedVariable = "FAULT_RUN_SEED";

    private static readonly string[] Dependencies = ["postgres", "cache", "authservice"];
    private static readonly FaultKind[] Kinds = [FaultKind.Freeze, FaultKind.Kill, FaultKind.Stop];

    /// <summary>The seed from <c>FAULT_RUN_SEED</c> when set, otherwise a random one (printed by the test either way).</summary>
    public static int ChooseSeed() =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } value
            ? int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : Random.Shared.Next();

    /// <summary>Draws the steps from <paramref name="random"/> until the calm and outage time would exceed <paramref name="budget"/>.</summary>
    public static FaultPlan Create(int seed, Random random, TimeSpan budget)
    {
        var replicaEvents = new List<FaultStep>
        {
            new(Between(random, 1.0, 2.0), $"chatapi-{random.Next(2)}", FaultKind.Stop, TimeSpan.Zero),
            new(Between(random, 1.0, 2.0), $"chatapi-{random.Next(2)}", FaultKind.Kill, Between(random, 0.5, 1.5)),
        };
        var used = replicaEvents.Aggregate(TimeSpan.Zero, (sum, step) => sum + step.Gap + step.Hold);

        var steps = new List<FaultStep>();
        while (true)
        {
            var step = new FaultStep(
                Between(random, 1.0, 2.5),
                Dependencies[random.Next(Dependencies.Length)],
                Kinds[random.Next(Kinds.Length)],
                Between(random, 1.5, 6.0));
            if (used + step.Gap + step.Hold > budget)
            {
                break;
            }

            steps.Add(step);
            used += step.Gap + step.Hold;
        }

        foreach (var replicaEvent in replicaEvents)
        {
            steps.Insert(random.Next(steps.Count + 1), replicaEvent);
        }

        return new FaultPlan(seed, steps);
    }

    /// <summary>Calm plus outage time of every step (restarts take longer: a started resource must become healthy).</summary>
    public TimeSpan Budget => Steps.Aggregate(TimeSpan.Zero, (sum, step) => sum + step.Gap + step.Hold);

    private static TimeSpan Between(Random random, double minSeconds, double maxSeconds) =>
        TimeSpan.FromMilliseconds(Math.Round((minSeconds + (random.NextDouble() * (maxSeconds - minSeconds))) * 1000));
}
