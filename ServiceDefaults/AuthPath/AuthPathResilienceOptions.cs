using System.ComponentModel.DataAnnotations;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// The resilience of calls to AuthService (token introspection, signing keys, probes): section <c>AuthPath:Resilience</c>.
/// </summary>
/// <remarks>
/// Tuned for an interactive call that sits in front of a WebSocket upgrade: a user waits on it. A connect waits on a hung
/// AuthService for one attempt timeout at most (a timeout is not retried: it would only be waited out twice), and
/// the circuit learns of an outage from the first failed attempts and from the readiness probe of AuthService that
/// runs every second, instead of the ~100 failures the standard handler needs. Read once at first use: reloading
/// would rebuild the circuit breaker, and the breaker's state must live as long as the process. The numbers and their
/// reasons: docs/resilience.md, "The auth path's numbers".
/// </remarks>
public sealed class AuthPathResilienceOptions : IValidatableObject
{
    public const string SectionName = "AuthPath:Resilience";

    /// <summary>
    /// One attempt. AuthService answers introspection in 2 ms at p50 and under 100 ms at p99 while 50 clients connect
    /// with fresh tokens as fast as they can; 500 ms without an answer is an outage, not load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The whole call, a retry included: what a connecting client waits at most before it gets 503. A little more
    /// than one attempt, so a retry after a fast failure (refused, reset, 5xx) spends only what is left; strictly more,
    /// because two timers due at the same instant race, and a hung attempt cut short by the total timeout would not
    /// count against the circuit.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>One retry rides out a single dropped connection or a replica restart; more only adds latency.</summary>
    [Range(0, 3)]
    public int MaxRetryAttempts { get; set; } = 1;

    /// <summary>Base delay before a retry (jittered ±25 % so replicas do not retry in lockstep).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the window before the ratio counts: three failed attempts open it, not one blip.</summary>
    [Range(2, 100)]
    public int MinimumThroughput { get; set; } = 3;

    /// <summary>
    /// The window over which the failure ratio is measured. Short, so the successes of the healthy past leave it
    /// within seconds of an outage and the failures decide; long enough to hold three failed readiness probes (one a
    /// second), so that a hung AuthService opens the circuit even when no user connects.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an open circuit fails fast before the readiness probe is let through as the trial (also the Retry-After).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TotalTimeout <= AttemptTimeout)
        {
            yield return new ValidationResult(
                $"{nameof(TotalTimeout)} must be longer than {nameof(AttemptTimeout)}.",
                [nameof(TotalTimeout), nameof(AttemptTimeout)]);
        }

        if (SamplingDuration < AttemptTimeout)
        {
            // Attempts that time out would leave the window before they are counted.
            yield return new ValidationResult(
                $"{nameof(SamplingDuration)} must be at least {nameof(AttemptTimeout)}.",
                [nameof(SamplingDuration), nameof(AttemptTimeout)]);
        }
    }
}
