using AuthService.Keys;

namespace AuthService.Apis.Contracts;

/// <summary>The JWKS document (RFC 7517): public keys only.</summary>
public sealed record JsonWebKeySetResponse(IReadOnlyList<JsonWebKeyResponse> Keys);

public sealed record JsonWebKeyResponse(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg)
{
    public static JsonWebKeyResponse From(SigningKey key) =>
        new(key.PublicKey.KeyType, key.PublicKey.Curve, key.PublicKey.X, key.PublicKey.Y, key.Kid, "sig", SigningKey.Algorithm);
}
