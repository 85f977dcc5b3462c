using AuthService.Keys;

namespace AuthService.Apis.Contracts;

/// <summary>One public signing key of the JWKS, as a JWK (RFC 7517): what a validator needs to check our signatures.</summary>
public sealed record JsonWebKeyResponse(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg)
{
    public static JsonWebKeyResponse From(SigningKey key) =>
        new(key.PublicKey.KeyType, key.PublicKey.Curve, key.PublicKey.X, key.PublicKey.Y, key.Kid, "sig", SigningKey.Algorithm);
}
