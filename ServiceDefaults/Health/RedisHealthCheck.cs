using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting.Health;

/// <summary>Readiness of Redis: a PING over the shared multiplexer.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer multiplexer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!multiplexer.IsConnected)
        {
            // Answer at once: the multiplexer already knows, and a PING would only queue.
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected.");
        }

        var latency = await multiplexer.GetDatabase().PingAsync();
        return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["pingMs"] = Math.Round(latency.TotalMilliseconds, 1) });
    }
}
