using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Validates an access token the way a resource server would offline: against the published JWKS, with the
/// contract's pins (ES256, issuer, audience, at+jwt, at most 30 s skew).
/// </summary>
public static class JwksTokenValidator
{
    public const string Issuer = "chat-authservice";
    public const string Audience = "chatapi";

    public static Task<TokenValidationResult> ValidateAsync(string token, JsonWebKeySet jwks) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            ClockSkew = TimeSpan.FromSeconds(30),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
        });

    /// <summary>The <c>kid</c> header of a token.</summary>
    public static string KidOf(string token) => new JsonWebToken(token).Kid;
}
