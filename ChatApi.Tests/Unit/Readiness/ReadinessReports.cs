using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Tests.Unit.Readiness;

/// <summary>Health reports as the health check service hands them to publishers: checks by name, and how long the run took.</summary>
internal static class ReadinessReports
{
    public static HealthReport Of(params (string Name, HealthStatus Status)[] entries) => Of(TimeSpan.Zero, entries);

    public static HealthReport Of(TimeSpan took, params (string Name, HealthStatus Status)[] entries) => new(
        entries.ToDictionary(entry => entry.Name, entry => new HealthReportEntry(entry.Status, null, took, null, null)),
        took);
}
