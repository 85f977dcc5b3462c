using AuthService.Configuration;
using AuthService.Revocation;
using AuthService.Telemetry;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;

namespace AuthService.Tokens;

/// <summary>
/// Ends sessions: the refresh family in PostgreSQL (no new access tokens) and the denylist in Redis (the access
/// tokens already out), then tells subscribers.
/// </summary>
public sealed partial class SessionRevocation(
    RefreshTokenStore refreshTokens,
    RevocationList revocations,
    AuthTelemetry telemetry,
    IOptions<AuthOptions> options,
    TimeProvider timeProvider,
    ILogger<SessionRevocation> logger)
{
    private readonly AuthOptions _options = options.Value;

    /// <summary>Logout: the presented access token and its whole session.</summary>
    public async Task RevokeAsync(AccessTokenClaims token, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await refreshTokens.RevokeFamilyAsync(token.SessionId, now, cancellationToken);

        var jtiTtl = token.ExpiresAt - now + _options.ClockSkew;
        await revocations.RevokeAsync(
            new RevocationNotice(token.Jti, token.SessionId.ToString(), token.UserId.ToString(), SessionDenylistEnd(now).ToUnixTimeSeconds()),
            token.SessionId,
            SessionTtl,
            jtiTtl > TimeSpan.FromSeconds(1) ? jtiTtl : TimeSpan.FromSeconds(1));
        telemetry.SessionRevoked("logout");
        LogRevoked(logger, token.SessionId, token.UserId);
    }

    /// <summary>
    /// After a spent refresh token was presented (the family is already revoked in PostgreSQL): kills the session's
    /// access tokens.
    /// </summary>
    public async Task RevokeAfterRefreshReuseAsync(Guid sessionId, Guid userId)
    {
        await DenySessionAsync(sessionId, userId);
        telemetry.SessionRevoked("refresh_reuse");
        LogReuseRevoked(logger, sessionId, userId);
    }

    /// <summary>
    /// A refresh token of a family revoked earlier was presented. While access tokens of the session could still
    /// be in date, the denylist entry is written again: this completes a revocation whose Redis write failed
    /// (the client saw 503 and retried). Afterwards there is nothing left to revoke.
    /// </summary>
    public async Task ReassertAsync(Guid sessionId, Guid userId, DateTimeOffset revokedAt)
    {
        if (timeProvider.GetUtcNow() - revokedAt < SessionTtl)
        {
            await DenySessionAsync(sessionId, userId);
        }
    }

    private async Task DenySessionAsync(Guid sessionId, Guid userId)
    {
        var now = timeProvider.GetUtcNow();
        await revocations.RevokeAsync(
            new RevocationNotice(null, sessionId.ToString(), userId.ToString(), SessionDenylistEnd(now).ToUnixTimeSeconds()),
            sessionId,
            SessionTtl,
            jtiTtl: null);
    }

    // Every access token of the session was issued before now, so none outlives this.
    private TimeSpan SessionTtl => _options.AccessTokenLifetime + _options.ClockSkew;

    private DateTimeOffset SessionDenylistEnd(DateTimeOffset now) => now + SessionTtl;

    [LoggerMessage(LogLevel.Information, "Session {SessionId} of user {UserId} revoked by its owner.")]
    private static partial void LogRevoked(ILogger logger, Guid sessionId, Guid userId);

    [LoggerMessage(LogLevel.Warning, "Refresh token reuse: session {SessionId} of user {UserId} revoked.")]
    private static partial void LogReuseRevoked(ILogger logger, Guid sessionId, Guid userId);
}
