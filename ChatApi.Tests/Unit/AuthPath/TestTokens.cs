using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>What goes into a test access token; the defaults make a token ChatApi accepts.</summary>
internal sealed record TokenSpec
{
    public string Issuer { get; init; } = "chat-authservice";
    public string Audience { get; init; } = "chatapi";
    public string Subject { get; init; } = "user-1";
    public string Username { get; init; } = "alice";
    public string TokenId { get; init; } = Guid.NewGuid().ToString("N");
    public string? SessionId { get; init; } = "session-1";
    public string Type { get; init; } = "at+jwt";
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(15);
    public Dictionary<string, object>? ExtraHeaders { get; init; }
}

internal static class TestTokens
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Create(TestSigningKey key, DateTimeOffset now, TokenSpec? spec = null)
    {
        spec ??= new TokenSpec();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = spec.Subject,
            ["preferred_username"] = spec.Username,
            ["jti"] = spec.TokenId,
        };
        if (spec.SessionId is not null)
        {
            claims["sid"] = spec.SessionId;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + spec.Lifetime).UtcDateTime,
            TokenType = spec.Type,
            SigningCredentials = new SigningCredentials(key.SecurityKey, SecurityAlgorithms.EcdsaSha256),
            AdditionalHeaderClaims = spec.ExtraHeaders,
        });
    }

    /// <summary>A token whose header and payload are written by hand (alg none, HS256 ...), with the given signature.</summary>
    public static string Raw(object header, object payload, string signature = "") =>
        Encode(header) + "." + Encode(payload) + "." + signature;

    public static object Payload(DateTimeOffset now, string jti = "raw-jti") => new Dictionary<string, object>
    {
        ["iss"] = "chat-authservice",
        ["aud"] = "chatapi",
        ["sub"] = "user-1",
        ["jti"] = jti,
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = (now + TimeSpan.FromMinutes(15)).ToUnixTimeSeconds(),
    };

    private static string Encode(object value) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
}
