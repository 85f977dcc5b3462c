using AuthService.Configuration;
using AuthService.Keys;
using AuthService.Telemetry;
using AuthService.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDefaults.AuthPath;

namespace AuthService.Tokens;

/// <summary>Signs access tokens: ES256 JWTs with <c>typ: at+jwt</c> and the current key's <c>kid</c>.</summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    private readonly AuthOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan Lifetime => _options.AccessTokenLifetime;

    public async Task<string> IssueAsync(User user, Guid sessionId, CancellationToken cancellationToken)
    {
        using var activity = AuthTelemetry.ActivitySource.StartActivity("IssueAccessToken");

        var key = keys.CurrentSigningKey();
        if (key is null)
        {
            // Only when the database was unreachable while the last key retired: try to catch up now.
            await keys.MaintainAsync(cancellationToken);
            key = keys.CurrentSigningKey() ?? throw new SigningKeyUnavailableException();
        }

        activity?.SetTag("auth.kid", key.Kid);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            TokenType = AccessTokenFormat.TokenType,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id.ToString(),
                [AccessTokenFormat.UsernameClaim] = user.Username,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
                [AccessTokenFormat.SessionIdClaim] = sessionId.ToString(),
            },
        });
    }
}
