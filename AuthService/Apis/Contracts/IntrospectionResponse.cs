using System.Text.Json.Serialization;
using AuthService.Tokens;

namespace AuthService.Apis.Contracts;

/// <summary>RFC 7662-style answer: <c>{"active":false}</c> and nothing else, or the token's subject and ids.</summary>
public sealed record IntrospectionResponse(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sub = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Jti = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sid = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp = null)
{
    public static IntrospectionResponse Inactive { get; } = new(false);

    public static IntrospectionResponse From(AccessTokenClaims claims) =>
        new(true, claims.UserId.ToString(), claims.Username, claims.Jti, claims.SessionId.ToString(), claims.ExpiresAt.ToUnixTimeSeconds());
}
