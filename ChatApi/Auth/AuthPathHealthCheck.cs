using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>
/// Readiness of the auth path (registered as <c>authservice</c>, failure status Degraded): the circuit's state, and
/// a cheap <c>GET /alive</c> through the auth-path client so the breaker learns of an outage even without traffic.
/// </summary>
/// <remarks>
/// Degraded, never Unhealthy: while AuthService is down ChatApi stays ready (200) so cached tokens keep connecting and
/// open sessions go on; new tokens get 503 from the validator. An open circuit answers at once, without I/O. The
/// probe runs on its own (bounded by the auth path's timeouts, one at a time) and readiness waits for it only
/// <see cref="ChatAuthOptions.HealthProbeTimeout"/>, so a frozen AuthService still teaches the breaker.
/// </remarks>
internal sealed class AuthPathHealthCheck(
    AuthPathCircuit circuit,
    AuthServiceClient authService,
    IOptions<ChatAuthOptions> options,
    TimeProvider timeProvider) : IHealthCheck
{
    private readonly SingleFlight<string, string?> _probes = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (circuit.IsOpen)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                "Auth path circuit open: new tokens get 503 until AuthService answers.",
                data: new Dictionary<string, object>
                {
                    ["circuit"] = circuit.State.ToString(),
                    ["retryAfterMs"] = (long)circuit.RetryAfter.TotalMilliseconds,
                });
        }

        var timeout = options.Value.HealthProbeTimeout;
        string? failure;
        try
        {
            failure = await _probes.RunAsync("alive", _ => authService.ProbeAsync(CancellationToken.None), cancellationToken)
                .WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            failure = $"no answer within {timeout.TotalMilliseconds:0} ms";
        }

        var data = new Dictionary<string, object> { ["circuit"] = circuit.State.ToString() };
        return failure is null
            ? HealthCheckResult.Healthy("AuthService answers.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"AuthService unavailable: {failure}.", data: data);
    }
}
