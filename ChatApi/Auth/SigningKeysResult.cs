using Microsoft.IdentityModel.Tokens;

namespace ChatApi.Auth;

/// <summary>AuthService's public signing keys (<c>GET /.well-known/jwks.json</c>), or why they could not be had.</summary>
internal abstract record SigningKeysResult
{
    private SigningKeysResult()
    {
    }

    /// <summary>The usable keys (EC P-256 for ES256, with a kid), by kid.</summary>
    public sealed record Loaded(IReadOnlyDictionary<string, JsonWebKey> Keys) : SigningKeysResult;

    public sealed record Unavailable(string Reason) : SigningKeysResult;
}
