using System.Diagnostics;
using System.Net;
using ChatApi.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class DegradationTests
{
    [Fact]
    public async Task Open_circuit_and_an_uncached_token_is_unavailable_at_once_without_calling_AuthService()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        await host.OpenCircuitAsync();
        var before = host.AuthService.TotalCalls;

        var stopwatch = Stopwatch.StartNew();
        var validation = host.Validator.ValidateAsync(host.Token(), CancellationToken.None);
        // No clock is driven: nothing may wait on a timer or the network.
        var result = await validation.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        stopwatch.Stop();

        var unavailable = Assert.IsType<TokenValidationResult.Unavailable>(result);
        Assert.InRange(unavailable.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(unavailable.RetryAfter, TimeSpan.FromSeconds(Math.Ceiling(unavailable.RetryAfter.TotalSeconds)));
        Assert.Equal("auth path circuit open", unavailable.Reason);
        Assert.Equal(before, host.AuthService.TotalCalls);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(500), $"took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task Retry_after_shrinks_with_the_break_and_never_drops_below_one_second()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        await host.OpenCircuitAsync();

        var early = Assert.IsType<TokenValidationResult.Unavailable>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(5), early.RetryAfter);

        // Half a second of break left: still told to wait a whole second.
        host.Clock.Advance(host.Circuit.RetryAfter - TimeSpan.FromMilliseconds(500));
        var late = Assert.IsType<TokenValidationResult.Unavailable>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(1), late.RetryAfter);
    }

    [Fact]
    public async Task Cached_tokens_keep_working_while_the_circuit_is_open()
    {
        using var host = AuthTestHost.Create();
        var known = host.Token();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(known, CancellationToken.None));

        // Validated by another replica: only in the shared cache.
        var elsewhere = host.Token(new TokenSpec { TokenId = "jti-elsewhere" });
        host.SharedStore.Put(
            TokenValidationCache.HashOf(elsewhere),
            new AuthenticatedUser("user-1", "alice", "jti-elsewhere", "session-1", host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15)),
            TimeSpan.FromMinutes(5));

        await host.OpenCircuitAsync();
        var before = host.AuthService.TotalCalls;

        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(known, CancellationToken.None));
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(elsewhere, CancellationToken.None));
        Assert.Equal(before, host.AuthService.TotalCalls);
    }

    [Fact]
    public async Task Transport_failures_and_server_errors_are_unavailable_and_inactive_tokens_invalid()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        host.AuthService.IntrospectionFailsWith = HttpStatusCode.BadGateway;
        var badGateway = await host.Clock.DriveAsync(host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        Assert.Equal("introspection unavailable: HTTP 502", Assert.IsType<TokenValidationResult.Unavailable>(badGateway).Reason);

        // The 502 and its retry opened the circuit; after the break, the readiness probe closes it.
        host.Clock.Advance(TimeSpan.FromSeconds(11));
        host.AuthService.IntrospectionFailsWith = null;
        await host.Clock.DriveAsync(host.CheckReadinessAsync());
        var revoked = host.Token(new TokenSpec { TokenId = "jti-revoked" });
        host.AuthService.RevokedTokenIds.Add("jti-revoked");
        var inactive = await host.Validator.ValidateAsync(revoked, CancellationToken.None);
        Assert.Equal("inactive", Assert.IsType<TokenValidationResult.Invalid>(inactive).Reason);
    }

    [Fact]
    public async Task Nothing_below_the_client_escapes_as_an_exception()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        host.AuthService.Throw = new InvalidOperationException("a bug in some handler");
        var result = await host.Clock.DriveAsync(host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        Assert.IsType<TokenValidationResult.Unavailable>(result);
    }

    [Fact]
    public async Task Redis_down_falls_through_to_introspection_and_memory()
    {
        using var host = AuthTestHost.Create();
        host.SharedStore.Available = false;
        var token = host.Token();

        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal(1, host.AuthService.IntrospectionCalls);
    }

    [Fact]
    public async Task The_opt_in_accepts_locally_valid_tokens_with_a_warning_naming_the_jti_only()
    {
        using var host = AuthTestHost.Create(new Dictionary<string, string?>
        {
            ["Auth:AcceptUnintrospectedTokensWhenAuthUnavailable"] = "true",
        });
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        await host.OpenCircuitAsync();

        var token = host.Token(new TokenSpec { TokenId = "jti-degraded" });
        var valid = Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal("jti-degraded", valid.User.TokenId);

        var warning = Assert.Single(host.Logs.GetSnapshot(), record => record.Level == LogLevel.Warning && record.Message.Contains("jti-degraded", StringComparison.Ordinal));
        Assert.Equal("Accepting token jti-degraded without introspection: auth path unavailable", warning.Message);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), record => record.Message.Contains(token, StringComparison.Ordinal));

        // Not cached: asked again (and warned again) next time.
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal(2, host.Logs.GetSnapshot().Count(record => record.Message.Contains("jti-degraded", StringComparison.Ordinal) && record.Level == LogLevel.Warning));

        // The opt-in never covers what the local check or the denylist refuses.
        host.SharedStore.RevokedTokenIds["jti-denied"] = 0;
        Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(host.Token(new TokenSpec { TokenId = "jti-denied" }), CancellationToken.None));
        Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(host.Token(new TokenSpec { Audience = "other" }), CancellationToken.None));
    }

    [Fact]
    public async Task Without_the_opt_in_no_token_is_accepted_unintrospected()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        host.AuthService.IntrospectionFailsWith = HttpStatusCode.ServiceUnavailable;

        var result = await host.Clock.DriveAsync(host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        Assert.IsType<TokenValidationResult.Unavailable>(result);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), record => record.Message.StartsWith("Accepting token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_break_the_readiness_probe_is_the_trial_call_and_no_user_waits_on_it()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        await host.OpenCircuitAsync();

        // The break is over, but AuthService may still be hung: a new token is refused at once, without a call.
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(Polly.CircuitBreaker.CircuitState.HalfOpen, host.Circuit.State);
        var before = host.AuthService.TotalCalls;
        var refused = Assert.IsType<TokenValidationResult.Unavailable>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(before, host.AuthService.TotalCalls);

        // The probe gets through, closes the circuit, and tokens are introspected again.
        Assert.Equal(HealthStatus.Healthy, (await host.Clock.DriveAsync(host.CheckReadinessAsync())).Status);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, host.Circuit.State);
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
    }
}
