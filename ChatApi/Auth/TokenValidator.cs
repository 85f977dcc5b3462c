using System.Diagnostics;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>
/// Validates a bearer token before the WebSocket upgrade: a token this process already validated is answered from
/// memory; otherwise (1) the JWT itself against AuthService's signing keys, then (2) "is it still active?" from Redis
/// (shared cache and denylist in one round trip), then one introspection call shared by every concurrent request for
/// the same token.
/// </summary>
/// <remarks>
/// Degradation: cached tokens keep working whatever the auth path's state. An uncached token while the circuit is
/// open or half-open gets <see cref="TokenValidationResult.Unavailable"/> at once, with the time left in the break,
/// without any call or timeout. Nothing here throws for an outage; only the caller's cancellation is thrown.
/// </remarks>
internal sealed partial class TokenValidator(
    LocalTokenValidator localValidator,
    TokenValidationCache cache,
    AuthServiceClient authService,
    AuthPathCircuit circuit,
    IOptions<ChatAuthOptions> options,
    AuthTelemetry telemetry,
    ILogger<TokenValidator> logger) : ITokenValidator
{
    /// <summary>The least Retry-After a refused client gets: HTTP counts it in whole seconds.</summary>
    internal static readonly TimeSpan MinimumRetryAfter = TimeSpan.FromSeconds(1);

    private readonly SingleFlight<string, IntrospectionResult> _introspections = new();

    public async ValueTask<TokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("ValidateToken");

        var (result, source) = await ValidateCoreAsync(token, cancellationToken);

        var outcome = result switch
        {
            TokenValidationResult.Valid => "valid",
            TokenValidationResult.Invalid => "invalid",
            _ => "unavailable",
        };
        telemetry.Validated(outcome, source);
        activity?.SetTag("chat.auth.outcome", outcome);
        activity?.SetTag("chat.auth.source", source);
        switch (result)
        {
            case TokenValidationResult.Valid valid:
                activity?.SetTag("chat.auth.jti", valid.User.TokenId);
                break;
            case TokenValidationResult.Invalid invalid:
                activity?.SetTag("chat.auth.reason", invalid.Reason);
                LogRejected(logger, invalid.Reason);
                break;
            case TokenValidationResult.Unavailable unavailable:
                activity?.SetStatus(ActivityStatusCode.Error, unavailable.Reason);
                activity?.SetTag("chat.auth.reason", unavailable.Reason);
                LogUnavailable(logger, unavailable.Reason, (long)unavailable.RetryAfter.TotalSeconds);
                break;
        }

        return result;
    }

    private async Task<(TokenValidationResult Result, string Source)> ValidateCoreAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return (new TokenValidationResult.Invalid("missing"), "local");
        }

        // This process validated these exact bytes before (the cache is keyed by the token's SHA-256, entries live no
        // longer than the token, and revocations drop them): no need to verify the signature again.
        var hash = TokenValidationCache.HashOf(token);
        if (cache.TryGetFromMemory(hash, out var known))
        {
            return (new TokenValidationResult.Valid(known), "memory");
        }

        var local = await localValidator.ValidateAsync(token, cancellationToken);
        switch (local)
        {
            case LocalTokenCheck.Invalid invalid:
                return (new TokenValidationResult.Invalid(invalid.Reason), "local");

            case LocalTokenCheck.Unavailable unavailable:
                // No signing keys: only a token some replica already validated (same bytes, same hash) can pass.
                return await FromCachesOnlyAsync(hash, unavailable, cancellationToken);

            case LocalTokenCheck.Passed passed:
                return await CheckActiveAsync(token, hash, passed.User, cancellationToken);

            default:
                throw new InvalidOperationException("Unknown local check result.");
        }
    }

    private async Task<(TokenValidationResult, string)> CheckActiveAsync(string token, string hash, AuthenticatedUser local, CancellationToken cancellationToken)
    {
        if (await FromCachesAsync(hash, local.TokenId, local.SessionId, cancellationToken) is { } cached)
        {
            return cached;
        }

        if (circuit.State is not CircuitState.Closed)
        {
            // Fail fast: no introspection call, no timeout to wait out. Half-open included: the trial call that
            // closes the circuit again is the readiness probe of AuthService (AuthPathHealthCheck, every second), so
            // no user waits on an AuthService that may still be hung.
            return Degrade(local, "auth path circuit open", "circuit");
        }

        var introspection = await _introspections.RunAsync(hash, _ => IntrospectAndCacheAsync(token, hash, local), cancellationToken);
        return introspection switch
        {
            IntrospectionResult.Active active => (new TokenValidationResult.Valid(active.User), "introspection"),
            IntrospectionResult.Inactive => (new TokenValidationResult.Invalid("inactive"), "introspection"),
            IntrospectionResult.Unavailable unavailable => Degrade(local, $"introspection unavailable: {unavailable.Reason}", "introspection"),
            _ => throw new InvalidOperationException("Unknown introspection result."),
        };
    }

    /// <summary>Runs once per token however many requests wait for it; stores an active answer for all of them.</summary>
    private async Task<IntrospectionResult> IntrospectAndCacheAsync(string token, string hash, AuthenticatedUser local)
    {
        var result = await authService.IntrospectAsync(token, CancellationToken.None);
        if (result is not IntrospectionResult.Active active)
        {
            return result;
        }

        if (!string.Equals(active.User.TokenId, local.TokenId, StringComparison.Ordinal)
            || !string.Equals(active.User.UserId, local.UserId, StringComparison.Ordinal))
        {
            LogIntrospectionMismatch(logger, local.TokenId);
            return new IntrospectionResult.Inactive();
        }

        // The signed claims are authoritative; introspection may only shorten the life.
        var user = local with
        {
            SessionId = local.SessionId ?? active.User.SessionId,
            ExpiresAt = active.User.ExpiresAt < local.ExpiresAt ? active.User.ExpiresAt : local.ExpiresAt,
        };
        await cache.StoreAsync(hash, user, CancellationToken.None);
        return new IntrospectionResult.Active(user);
    }

    private (TokenValidationResult, string) Degrade(AuthenticatedUser local, string reason, string source)
    {
        if (options.Value.AcceptUnintrospectedTokensWhenAuthUnavailable)
        {
            // Opt-in: signed, in date and not on the denylist we could read; not cached, so it is asked again next time.
            LogAcceptedWithoutIntrospection(logger, local.TokenId);
            return (new TokenValidationResult.Valid(local), "degraded");
        }

        return (new TokenValidationResult.Unavailable(RetryAfter(), reason), source);
    }

    private async Task<(TokenValidationResult, string)> FromCachesOnlyAsync(string hash, LocalTokenCheck.Unavailable local, CancellationToken cancellationToken) =>
        await FromCachesAsync(hash, local.TokenId, local.SessionId, cancellationToken)
        ?? (new TokenValidationResult.Unavailable(RetryAfter(), $"signing keys unavailable: {local.Reason}"), "jwks");

    /// <summary>Redis (shared cache and denylist in one round trip; memory was asked first); null when it does not know the token.</summary>
    private async Task<(TokenValidationResult, string)?> FromCachesAsync(string hash, string tokenId, string? sessionId, CancellationToken cancellationToken)
    {
        return await cache.LookupSharedAsync(hash, tokenId, sessionId, cancellationToken) switch
        {
            DistributedTokenLookup.Hit hit => (new TokenValidationResult.Valid(hit.User), "redis"),
            DistributedTokenLookup.Revoked => (new TokenValidationResult.Invalid("revoked"), "redis"),
            _ => null,
        };
    }

    private TimeSpan RetryAfter()
    {
        var retryAfter = circuit.RetryAfter;
        if (retryAfter < MinimumRetryAfter)
        {
            return MinimumRetryAfter;
        }

        // Whole seconds, rounded up: the client must not come back before the break is over.
        return TimeSpan.FromSeconds(Math.Ceiling(retryAfter.TotalSeconds));
    }

    [LoggerMessage(LogLevel.Warning, "Accepting token {TokenId} without introspection: auth path unavailable")]
    private static partial void LogAcceptedWithoutIntrospection(ILogger logger, string tokenId);

    [LoggerMessage(LogLevel.Warning, "Introspection answered for another token than {TokenId}; rejected")]
    private static partial void LogIntrospectionMismatch(ILogger logger, string tokenId);

    [LoggerMessage(LogLevel.Debug, "Token rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Debug, "Token cannot be validated now ({Reason}); Retry-After {RetryAfterSeconds} s")]
    private static partial void LogUnavailable(ILogger logger, string reason, long retryAfterSeconds);
}
