using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>
/// Checks a JWT without asking AuthService about it: ES256 only, signed by the key its kid names (and only that key),
/// our issuer and audience, type <c>at+jwt</c>, in date with at most 30 s of skew by <see cref="TimeProvider"/>,
/// and no key material or key URL in the header.
/// </summary>
internal sealed class LocalTokenValidator(SigningKeyCache signingKeys, TimeProvider timeProvider, IOptions<ChatAuthOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async ValueTask<LocalTokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (token.Length > settings.MaxTokenLength)
        {
            return new LocalTokenCheck.Invalid("too long");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException)
        {
            return new LocalTokenCheck.Invalid("malformed");
        }

        if (jwt.IsEncrypted)
        {
            return new LocalTokenCheck.Invalid("encrypted");
        }

        // Pinned before any key is looked up: this is where "alg":"none" (and HS256 with a public key) end.
        if (jwt.Alg != AccessTokenFormat.Algorithm)
        {
            return new LocalTokenCheck.Invalid("algorithm");
        }

        if (AccessTokenFormat.ForbiddenHeaderIn(jwt) is { } header)
        {
            return new LocalTokenCheck.Invalid($"header {header}");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return new LocalTokenCheck.Invalid("no kid");
        }

        var keyId = jwt.Kid;
        JsonWebKey key;
        switch (await signingKeys.FindAsync(keyId, cancellationToken))
        {
            case SigningKeyLookup.Found found:
                key = found.Key;
                break;
            case SigningKeyLookup.Unknown:
                return new LocalTokenCheck.Invalid("unknown kid");
            case SigningKeyLookup.Unavailable unavailable:
                return string.IsNullOrEmpty(jwt.Id)
                    ? new LocalTokenCheck.Invalid("no jti")
                    : new LocalTokenCheck.Unavailable(unavailable.Reason, jwt.Id, SessionIdOf(jwt));
            default:
                throw new InvalidOperationException("Unknown signing key lookup result.");
        }

        var parameters = AccessTokenFormat.ValidationParameters(settings.Issuer, settings.Audience, settings.ClockSkew, keyId, key, timeProvider);

        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken validated)
        {
            return new LocalTokenCheck.Invalid(ReasonFor(result.Exception));
        }

        if (string.IsNullOrEmpty(validated.Subject) || string.IsNullOrEmpty(validated.Id))
        {
            return new LocalTokenCheck.Invalid("no sub or jti");
        }

        var username = validated.TryGetPayloadValue<string>(AccessTokenFormat.UsernameClaim, out var name) && !string.IsNullOrEmpty(name)
            ? name
            : validated.Subject;
        return new LocalTokenCheck.Passed(new AuthenticatedUser(
            validated.Subject,
            username,
            validated.Id,
            SessionIdOf(validated),
            new DateTimeOffset(validated.ValidTo, TimeSpan.Zero)));
    }

    private static string? SessionIdOf(JsonWebToken jwt) =>
        jwt.TryGetPayloadValue<string>(AccessTokenFormat.SessionIdClaim, out var sid) && !string.IsNullOrEmpty(sid) ? sid : null;

    private static string ReasonFor(Exception? exception) => exception switch
    {
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException
            or SecurityTokenNoExpirationException => "expired or not yet valid",
        SecurityTokenSignatureKeyNotFoundException => "unknown kid",
        SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidIssuerException => "issuer",
        SecurityTokenInvalidAudienceException => "audience",
        SecurityTokenInvalidTypeException => "type",
        SecurityTokenInvalidAlgorithmException => "algorithm",
        SecurityTokenMalformedException => "malformed",
        null => "invalid",
        _ => exception.GetType().Name,
    };
}
