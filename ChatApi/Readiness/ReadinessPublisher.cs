using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Readiness;

/// <summary>Feeds every background readiness report to <see cref="ReadinessState"/>.</summary>
public sealed class ReadinessPublisher(ReadinessState readiness) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        readiness.Update(report);
        return Task.CompletedTask;
    }
}
