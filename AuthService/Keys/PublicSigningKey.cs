using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace AuthService.Keys;

/// <summary>The public half of a P-256 key as a JWK (RFC 7517): what is stored in <c>public_jwk</c> and served in the JWKS.</summary>
public sealed record PublicSigningKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    public static PublicSigningKey From(ECParameters parameters) =>
        new("EC", "P-256", Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y));

    public static PublicSigningKey Parse(string json) =>
        JsonSerializer.Deserialize<PublicSigningKey>(json) ?? throw new FormatException("Empty public key.");

    public string ToJson() => JsonSerializer.Serialize(this);

    public ECParameters ToParameters() => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(X), Y = Base64UrlEncoder.DecodeBytes(Y) },
    };

    /// <summary>The RFC 7638 JWK thumbprint: the key id, derived from the key itself.</summary>
    public string Thumbprint()
    {
        // Required members in lexicographic order, no whitespace (RFC 7638, section 3.2).
        var canonical = $$"""{"crv":"{{Curve}}","kty":"{{KeyType}}","x":"{{X}}","y":"{{Y}}"}""";
        return Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }
}
