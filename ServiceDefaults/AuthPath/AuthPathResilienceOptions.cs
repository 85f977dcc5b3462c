using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting.AuthPath;

/// <summary>
/// The resilience of calls to AuthService (token introspection, signing keys, probes): section <c>AuthPath:Resilience</c>.
/// </summary>
/// <remarks>
/// Tuned for an interactive call that sits in front of a WebSocket upgrade: a user waits on it, so it must answer
/// within about two seconds whatever AuthService does, and it must stop calling a dead AuthService after a handful
/// of failures instead of the ~100 the standard handler needs. Read once at first use: reloading would rebuild the
/// circuit breaker, and the breaker's state must live as long as the process.
/// </remarks>
public sealed class AuthPathResilienceOptions : IValidatableObject
{
    public const string SectionName = "AuthPath:Resilience";

    /// <summary>One attempt. AuthService answers introspection from PostgreSQL/Redis in a few ms; 750 ms is an outage.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>The whole call, retries included: what a connecting client waits at most before it gets 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One retry rides out a single dropped connection or a replica restart; more only adds latency.</summary>
    [Range(0, 3)]
    public int MaxRetryAttempts { get; set; } = 1;

    /// <summary>Base delay before a retry (jittered ±25 % so replicas do not retry in lockstep).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Share of failed attempts in the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the window before the ratio counts: three failed attempts open it, not one blip.</summary>
    [Range(2, 100)]
    public int MinimumThroughput { get; set; } = 3;

    /// <summary>The window over which the failure ratio is measured.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit fails fast before one probe call is let through (also the Retry-After).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult(
                $"{nameof(TotalTimeout)} must be at least {nameof(AttemptTimeout)}.",
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
