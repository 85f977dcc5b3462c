using System.Text.Json;
using AuthService.Configuration;
using AuthService.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDefaults.AuthPath;

namespace AuthService.Tokens;

/// <summary>
/// Validates access tokens with everything pinned: ES256 only, our issuer and audience, <c>typ: at+jwt</c>, a key
/// id from our own key store (never a key the token brings along), expiry with at most the configured clock skew.
/// Never throws for a bad token: it returns null with a reason.
/// </summary>
public sealed partial class AccessTokenValidator(
    SigningKeyRing keys,
    IOptions<AuthOptions> options,
    TimeProvider timeProvider,
    ILogger<AccessTokenValidator> logger)
{
    /// <summary>Far above any token we issue; anything longer is not worth parsing.</summary>
    public const int MaxTokenLength = 8 * 1024;

    private readonly AuthOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new();

    public async Task<AccessTokenClaims?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        var (claims, reason) = await TryValidateAsync(token, cancellationToken);
        if (claims is null)
        {
            LogRejected(logger, reason);
        }

        return claims;
    }

    private async Task<(AccessTokenClaims? Claims, string Reason)> TryValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return (null, "missing or oversized");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
            if (jwt.IsEncrypted || AccessTokenFormat.ForbiddenHeaderIn(jwt) is not null)
            {
                return (null, "encrypted or forbidden header parameter");
            }
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return (null, "malformed");
        }

        if (jwt.Alg != AccessTokenFormat.Algorithm)
        {
            return (null, "algorithm not allowed");
        }

        if (string.IsNullOrEmpty(jwt.Kid) || await keys.FindVerificationKeyAsync(jwt.Kid, cancellationToken) is not { } key)
        {
            return (null, "unknown key id");
        }

        var result = await _handler.ValidateTokenAsync(jwt, AccessTokenFormat.ValidationParameters(
            _options.Issuer, _options.Audience, _options.ClockSkew, key.Kid, key.VerificationKey, timeProvider));
        if (!result.IsValid)
        {
            return (null, result.Exception?.GetType().Name ?? "invalid");
        }

        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || !Guid.TryParse(sub, out var userId)
            || !jwt.TryGetPayloadValue<string>(AccessTokenFormat.SessionIdClaim, out var sid) || !Guid.TryParse(sid, out var sessionId)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti)
            || !jwt.TryGetPayloadValue<string>(AccessTokenFormat.UsernameClaim, out var username) || string.IsNullOrEmpty(username))
        {
            return (null, "missing claims");
        }

        return (new AccessTokenClaims(userId, username, jti, sessionId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), key.Kid), string.Empty);
    }

    [LoggerMessage(LogLevel.Debug, "Access token rejected: {Reason}.")]
    private static partial void LogRejected(ILogger logger, string reason);
}
