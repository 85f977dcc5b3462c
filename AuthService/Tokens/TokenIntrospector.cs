using AuthService.Revocation;
using AuthService.Telemetry;
using AuthService.Users;

namespace AuthService.Tokens;

/// <summary>
/// Answers "is this access token good right now?": valid signature and claims, neither its <c>jti</c> nor its
/// session denylisted, its user present and enabled. One Redis round trip and one primary-key lookup, in parallel.
/// </summary>
public sealed class TokenIntrospector(AccessTokenValidator validator, RevocationList revocations, UserStore users, AuthTelemetry telemetry)
{
    /// <summary>The active token's claims (with the user's current name), or null when inactive.</summary>
    public async Task<AccessTokenClaims?> IntrospectAsync(string? token, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("Introspect");

        var claims = await validator.ValidateAsync(token, cancellationToken);
        if (claims is null)
        {
            return Answer(null, "inactive");
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
            telemetry.Introspected(result);
            activity?.SetTag("auth.result", result);
            return active;
        }
    }
}
