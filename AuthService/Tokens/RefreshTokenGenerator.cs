using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthService.Tokens;

/// <summary>
/// Refresh tokens are 32 random bytes, base64url. Only their SHA-256 is stored: a database leak reveals no usable
/// token, and 256 bits of entropy need no salt or slow hash.
/// </summary>
public static class RefreshTokenGenerator
{
    private const int TokenBytes = 32;

    /// <summary>Longest string worth hashing as a presented token (a genuine one is 43 characters).</summary>
    public const int MaxTokenLength = 256;

    public static (string Token, byte[] Hash) Create()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(TokenBytes));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
