using AuthService.Revocation;
using AuthService.Telemetry;
using AuthService.Users;

namespace AuthService.Tokens;

/// <summary>
/// Answers "is this access token good right now?": valid signature and claims, neither its <c>jti</c> nor its
/// session denylisted, its user present and enabled. One Redis round trip and one primary-key lookup, in parallel.
/// </summary>
public sealed partial class TokenIntrospector(
    AccessTokenValidator validator,
    RevocationList revocations,
    UserStore users,
    AuthTelemetry telemetry,
    ILogger<TokenIntrospector> logger)
{
    /// <summary>The active token's claims (with the user's current name), or null when inactive.</summary>
    public async Task<AccessTokenClaims?> IntrospectAsync(string? token, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("Introspect");

        var claims = await validator.ValidateAsync(token, cancellationToken);
        if (claims is null)
        {
            return Answer(null, "invalid");
        }

        var revoked = revocations.IsRevokedAsync(claims.Jti, claims.SessionId);
        var user = users.FindByIdAsync(claims.UserId, cancellationToken);
        await Task.WhenAll(revoked, user);

        if (await revoked)
        {
            return Answer(null, "revoked");
        }

        return await user is { Disabled: false } current
            ? Answer(claims with { Username = current.Username }, "active")
            : Answer(null, "inactive");

        AccessTokenClaims? Answer(AccessTokenClaims? active, string result)
        {
            telemetry.Introspected(result is "invalid" ? "inactive" : result);
            activity?.SetTag("auth.result", result);
            LogIntrospected(logger, claims?.Jti ?? "-", result);
            return active;
        }
    }

    // The token id only (never the token): lets an operator, and the single-flight test, count introspections per token.
    [LoggerMessage(LogLevel.Debug, "Introspected token {TokenId}: {Result}")]
    private static partial void LogIntrospected(ILogger logger, string tokenId, string result);
}
