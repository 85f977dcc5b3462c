using AuthService.Configuration;
using AuthService.Telemetry;
using AuthService.Throttling;
using AuthService.Users;
using Microsoft.Extensions.Options;

namespace AuthService.Tokens;

/// <summary>The two grants: password login (starts a session) and refresh (rotates within it).</summary>
public sealed partial class TokenService(
    UserAccounts accounts,
    UserStore users,
    LoginThrottle throttle,
    AccessTokenIssuer issuer,
    RefreshTokenStore refreshTokens,
    SessionRevocation revocation,
    AuthTelemetry telemetry,
    IOptions<AuthOptions> options,
    TimeProvider timeProvider,
    ILogger<TokenService> logger)
{
    private readonly AuthOptions _options = options.Value;

    public async Task<LoginResult> LoginAsync(string? username, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("Login");

        // Counted before the password is checked: concurrent guesses cannot all pass a check made before any is counted.
        var reservation = await throttle.TryAcquireAsync(username, clientAddress);
        if (reservation.IsThrottled)
        {
            telemetry.LoginThrottled(reservation.Limit!);
            activity?.SetTag("auth.result", "throttled");
            return new LoginResult(LoginStatus.Throttled, RetryAfter: reservation.RetryAfter);
        }

        User? user;
        try
        {
            user = await accounts.VerifyCredentialsAsync(username, password, cancellationToken);
        }
        catch
        {
            // PostgreSQL down or the request aborted: no guess was decided, so none is counted.
            await throttle.UndecidedAsync(username, clientAddress, reservation);
            throw;
        }

        if (user is null)
        {
            telemetry.LoginFailed();
            activity?.SetTag("auth.result", "invalid_credentials");
            return LoginResult.InvalidCredentials;
        }

        await throttle.SucceededAsync(username, clientAddress, reservation);

        var now = timeProvider.GetUtcNow();
        var sessionId = Guid.NewGuid();
        var (refreshToken, refreshHash) = RefreshTokenGenerator.Create();
        await refreshTokens.StartFamilyAsync(sessionId, user.Id, refreshHash, now, now + _options.RefreshTokenLifetime, cancellationToken);
        var accessToken = await issuer.IssueAsync(user, sessionId, cancellationToken);

        telemetry.TokenIssued("password");
        activity?.SetTag("auth.result", "issued");
        return new LoginResult(LoginStatus.Succeeded, new TokenPair(accessToken, issuer.Lifetime, refreshToken));
    }

    /// <summary>A new pair for a live refresh token; null for anything else (and reuse revokes the session).</summary>
    public async Task<TokenPair?> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("Refresh");

        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > RefreshTokenGenerator.MaxTokenLength)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var (nextToken, nextHash) = RefreshTokenGenerator.Create();
        var rotation = await refreshTokens.RotateAsync(
            RefreshTokenGenerator.Hash(refreshToken), nextHash, now, now + _options.RefreshTokenLifetime, cancellationToken);
        activity?.SetTag("auth.result", rotation.Outcome.ToString());

        switch (rotation.Outcome)
        {
            case RefreshOutcome.ReuseDetected:
                telemetry.RefreshReuseDetected();
                await revocation.RevokeAfterRefreshReuseAsync(rotation.FamilyId, rotation.UserId);
                return null;

            case RefreshOutcome.FamilyRevoked:
                await revocation.ReassertAsync(rotation.FamilyId, rotation.UserId, rotation.FamilyRevokedAt!.Value);
                return null;

            case RefreshOutcome.Rotated:
                var user = await users.FindByIdAsync(rotation.UserId, cancellationToken);
                if (user is null || user.Disabled)
                {
                    LogRefreshForDisabledUser(logger, rotation.UserId);
                    return null;
                }

                var accessToken = await issuer.IssueAsync(user, rotation.FamilyId, cancellationToken);
                telemetry.TokenIssued("refresh_token");
                return new TokenPair(accessToken, issuer.Lifetime, nextToken);

            default:
                return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Refresh refused: user {UserId} is disabled or gone.")]
    private static partial void LogRefreshForDisabledUser(ILogger logger, Guid userId);
}
