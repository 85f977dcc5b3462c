using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthService.Keys;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Hand-made JWTs for negative tests: signed with AuthService's own current key (read from chatdb and decrypted
/// with the secret the AppHost gave it, so that exactly one thing is wrong with the token), or with a foreign key.
/// </summary>
public sealed class TokenForge : IDisposable
{
    private readonly ECDsa _key;

    private TokenForge(ECDsa key, string kid)
    {
        _key = key;
        Kid = kid;
    }

    public string Kid { get; }

    /// <summary>The key AuthService signs with right now.</summary>
    public static async Task<TokenForge> WithServiceKeyAsync(DistributedTopology topology)
    {
        await using var dataSource = NpgsqlDataSource.Create(topology.ChatDbConnectionString);
        await using var command = dataSource.CreateCommand(
            """
            SELECT kid, private_key_encrypted FROM auth.signing_keys
            WHERE activates_at <= now() AND retires_at > now()
            ORDER BY activates_at DESC LIMIT 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "AuthService has no current signing key.");
        var kid = reader.GetString(0);

        var protector = new SigningKeyProtector(topology.EnvironmentOf("authservice")["Auth__SigningKeyEncryptionSecret"]);
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(protector.Unprotect(kid, reader.GetFieldValue<byte[]>(1)), out _);
        return new TokenForge(ecdsa, kid);
    }

    /// <summary>A fresh P-256 key AuthService has never seen, presenting <paramref name="kid"/>.</summary>
    public static TokenForge WithForeignKey(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), kid);

    /// <summary>The public half of this forge's key as a JWK (for embedding in a header).</summary>
    public Dictionary<string, object?> PublicJwk()
    {
        var parameters = _key.ExportParameters(false);
        return new()
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }

    public Dictionary<string, object?> Header() => new()
    {
        ["alg"] = "ES256",
        ["typ"] = "at+jwt",
        ["kid"] = Kid,
    };

    /// <summary>Claims exactly like a genuine token's for <paramref name="user"/>, valid from now for 15 minutes.</summary>
    public static Dictionary<string, object?> Claims(RegisteredUser user)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new()
        {
            ["iss"] = JwksTokenValidator.Issuer,
            ["aud"] = JwksTokenValidator.Audience,
            ["sub"] = user.UserId.ToString(),
            ["preferred_username"] = user.Username,
            ["jti"] = Guid.NewGuid().ToString(),
            ["sid"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 900,
        };
    }

    public string Sign(IDictionary<string, object?> header, IDictionary<string, object?> claims)
    {
        var signingInput = $"{Encode(header)}.{Encode(claims)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>An unsigned token (<c>alg: none</c>, empty signature).</summary>
    public static string Unsigned(IDictionary<string, object?> header, IDictionary<string, object?> claims) =>
        $"{Encode(header)}.{Encode(claims)}.";

    public static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    public void Dispose() => _key.Dispose();
}
