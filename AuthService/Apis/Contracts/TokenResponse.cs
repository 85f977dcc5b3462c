using System.Text.Json.Serialization;
using AuthService.Tokens;

namespace AuthService.Apis.Contracts;

/// <summary>The OAuth 2.0 token response shape (RFC 6749, section 5.1).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken)
{
    public static TokenResponse From(TokenPair tokens) =>
        new(tokens.AccessToken, "Bearer", (long)tokens.ExpiresIn.TotalSeconds, tokens.RefreshToken);
}
