using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDefaults.Health;

/// <summary>Runs a health check with a hard deadline and turns any failure into a result without secrets.</summary>
internal sealed class TimeBoundHealthCheck(IHealthCheck inner, TimeSpan timeout, TimeProvider timeProvider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Task.Run so that even a check that blocks before its first await cannot delay the deadline.
            var check = Task.Run(() => inner.CheckHealthAsync(context, cancellationToken), cancellationToken);
            return await check.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"No answer within {timeout.TotalMilliseconds:0} ms.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Exception messages of database drivers may carry hosts, users or connection details:
            // report only the kind of failure.
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"Check failed: {exception.GetType().Name}.");
        }
    }
}
