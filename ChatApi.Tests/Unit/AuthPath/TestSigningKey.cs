using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>An ES256 key pair made for one test, and its public JWK as AuthService would publish it.</summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestSigningKey(string keyId)
    {
        KeyId = keyId;
        SecurityKey = new ECDsaSecurityKey(_ecdsa) { KeyId = keyId };
    }

    public string KeyId { get; }

    public ECDsaSecurityKey SecurityKey { get; }

    public Dictionary<string, object> ToJwk()
    {
        var parameters = _ecdsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
            ["kid"] = KeyId,
            ["use"] = "sig",
            ["alg"] = "ES256",
        };
    }

    public void Dispose() => _ecdsa.Dispose();
}
