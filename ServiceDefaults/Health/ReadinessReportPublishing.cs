using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDefaults.Health;

/// <summary>
/// The <c>/health</c> response writer: hands the fresh readiness report to the service's
/// <see cref="IHealthCheckPublisher"/>s before writing it, as the background publisher does with its own reports.
/// </summary>
/// <remarks>
/// A service that acts on the published report (ChatApi's <c>/ws</c> door) then never lags what its probes were just
/// told: a load balancer that sees 200 finds the door open, instead of refused for up to a publishing period after a
/// dependency came back. Only the full readiness report is published, never <c>/alive</c>'s subset.
/// </remarks>
public static class ReadinessReportPublishing
{
    public static async Task PublishThenWriteAsync(HttpContext context, HealthReport report)
    {
        foreach (var publisher in context.RequestServices.GetServices<IHealthCheckPublisher>())
        {
            await publisher.PublishAsync(report, context.RequestAborted);
        }

        await HealthReportWriter.WriteAsync(context, report);
    }
}
