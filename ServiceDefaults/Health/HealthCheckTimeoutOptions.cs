using System.ComponentModel.DataAnnotations;

namespace ServiceDefaults.Health;

/// <summary>How long one health check may take before it is reported as failed.</summary>
/// <remarks>
/// Checks run in parallel, so the slowest one bounds the whole answer. The default leaves half the contract's
/// one-second bound for scheduling, serialisation and the network: measured on two loaded cores, a hung
/// dependency with a 750 ms bound let /health take up to 1.7 s.
/// </remarks>
public sealed class HealthCheckTimeoutOptions
{
    public const string SectionName = "HealthChecks";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:00.900")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
