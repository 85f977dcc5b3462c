using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting.Health;

/// <summary>How long one health check may take before it is reported as failed.</summary>
/// <remarks>
/// Checks run in parallel, so the slowest one bounds the whole answer. The default leaves room under the
/// contract's one-second bound for scheduling and serialisation.
/// </remarks>
public sealed class HealthCheckTimeoutOptions
{
    public const string SectionName = "HealthChecks";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:00.900")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(750);
}
