using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// The access-token format of the whole system: what AuthService issues and what AuthService and ChatApi accept.
/// One definition, so issuing and validating cannot drift apart: ES256 only, <c>typ: at+jwt</c>, the pinned issuer
/// and audience, at most 30 s of clock skew, only the key the token's <c>kid</c> names, and no header that brings,
/// points at or demands anything.
/// </summary>
public static class AccessTokenFormat
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>The <c>typ</c> header of every access token (RFC 9068).</summary>
    public const string TokenType = "at+jwt";

    public const string UsernameClaim = "preferred_username";

    /// <summary>The login session (refresh-token family): revoking it revokes every access token it issued.</summary>
    public const string SessionIdClaim = "sid";

    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    // A key in the header (jwk, x5c), a key URL (jku, x5u), or extensions we would have to understand (crit).
    private static readonly string[] ForbiddenHeaders = ["jwk", "jku", "x5u", "x5c", "crit"];

    /// <summary>The first forbidden header parameter of <paramref name="token"/>, or null when it has none.</summary>
    public static string? ForbiddenHeaderIn(JsonWebToken token)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedHeader));
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "not an object";
            }

            return ForbiddenHeaders.FirstOrDefault(name => header.RootElement.TryGetProperty(name, out _));
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException)
        {
            return "unreadable";
        }
    }

    /// <summary>
    /// Validation parameters that accept exactly this format, signed by <paramref name="key"/> (named
    /// <paramref name="keyId"/>), in date by <paramref name="timeProvider"/> so that lifetime rules are testable.
    /// </summary>
    public static TokenValidationParameters ValidationParameters(
        string issuer,
        string audience,
        TimeSpan clockSkew,
        string keyId,
        SecurityKey key,
        TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clockSkew, MaxClockSkew);
        return new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidAlgorithms = [Algorithm],
            ValidTypes = [TokenType],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireAudience = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = clockSkew,
            // Only the key the token names: never "try every key we have".
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = (_, _, kid, _) => string.Equals(kid, keyId, StringComparison.Ordinal) ? [key] : [],
            LifetimeValidator = (notBefore, expires, _, _) => IsInDate(notBefore, expires, clockSkew, timeProvider),
        };
    }

    private static bool IsInDate(DateTime? notBefore, DateTime? expires, TimeSpan clockSkew, TimeProvider timeProvider)
    {
        if (expires is not { } expiresAt || (notBefore is { } startsAt && startsAt > expiresAt))
        {
            return false;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expiresAt.ToUniversalTime() + clockSkew > now
            && (notBefore is not { } validFrom || validFrom.ToUniversalTime() - clockSkew <= now);
    }
}
