using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class AuthPathHealthCheckTests
{
    [Fact]
    public async Task The_check_is_registered_as_authservice_with_degraded_as_its_failure()
    {
        using var host = AuthTestHost.Create();
        var registration = Assert.Single(
            host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations,
            registration => registration.Name == "authservice");

        Assert.Equal(HealthStatus.Degraded, registration.FailureStatus);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "authservice");
        Assert.Equal(HealthStatus.Healthy, report.Entries["authservice"].Status);
        Assert.Equal("Closed", report.Entries["authservice"].Data["circuit"]);
    }

    [Fact]
    public async Task An_open_circuit_is_degraded_at_once_without_a_probe()
    {
        using var host = AuthTestHost.Create();
        await host.OpenCircuitAsync();
        var probes = host.AuthService.AliveCalls;

        var result = await host.CheckReadinessAsync();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Open", result.Data["circuit"]);
        Assert.InRange((long)result.Data["retryAfterMs"], 4_000, 5_000);
        Assert.Equal(probes, host.AuthService.AliveCalls);
    }

    [Fact]
    public async Task A_down_AuthService_is_degraded_and_teaches_the_circuit()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.Down = true;

        for (var i = 0; i < 3 && !host.Circuit.IsOpen; i++)
        {
            var result = await host.Clock.DriveAsync(host.CheckReadinessAsync());
            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.Contains("AuthService unavailable", result.Description, StringComparison.Ordinal);
        }

        Assert.True(host.Circuit.IsOpen, "probes alone must open the circuit when there is no traffic.");
    }

    [Fact]
    public async Task A_frozen_AuthService_is_degraded_after_the_probe_timeout_and_the_probe_still_teaches_the_circuit()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.Hang = true;

        for (var i = 0; i < 3 && !host.Circuit.IsOpen; i++)
        {
            var result = await host.Clock.DriveAsync(host.CheckReadinessAsync());
            Assert.Equal(HealthStatus.Degraded, result.Status);

            // The probe ended with the auth path's attempt timeout (500 ms); the readiness publisher starts the
            // next one a second after this one started.
            await host.Clock.AdvanceGraduallyAsync(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(host.Circuit.IsOpen, "timed-out probes must count against the circuit.");
        var open = await host.CheckReadinessAsync();
        Assert.Equal("Open", open.Data["circuit"]);

        // AuthService thaws: after the break, the next readiness probe closes the circuit.
        host.AuthService.Hang = false;
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        await WaitUntilHealthyAsync(host);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, host.Circuit.State);
    }

    [Fact]
    public async Task A_probe_that_outlasts_readiness_reports_the_probe_timeout()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.Hang = true;

        var result = await host.Clock.DriveAsync(host.CheckReadinessAsync());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("AuthService unavailable: no answer within 500 ms.", result.Description);

        // The abandoned probe ends on the auth path's own timeouts; then readiness recovers.
        host.AuthService.Hang = false;
        await host.Clock.AdvanceGraduallyAsync(TimeSpan.FromSeconds(2));
        await WaitUntilHealthyAsync(host);
    }

    /// <summary>
    /// Polls readiness until healthy. While an earlier probe is still finishing, a check joins it (single flight);
    /// the host must not be disposed under a request still in flight.
    /// </summary>
    private static async Task WaitUntilHealthyAsync(AuthTestHost host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var result = await host.Clock.DriveAsync(host.CheckReadinessAsync());
            if (result.Status == HealthStatus.Healthy)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("readiness did not recover.");
    }
}
