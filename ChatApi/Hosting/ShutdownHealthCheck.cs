using ChatApi.Readiness;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Hosting;

/// <summary>Unhealthy from the moment shutdown begins, so load balancers stop sending new sessions here.</summary>
public sealed class ShutdownHealthCheck(ReadinessState readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsShuttingDown
            ? new HealthCheckResult(context.Registration.FailureStatus, "Shutting down.")
            : HealthCheckResult.Healthy());
}
