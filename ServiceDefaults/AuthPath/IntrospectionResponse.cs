using System.Text.Json.Serialization;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// AuthService's answer to <c>POST /auth/introspect</c>, RFC 7662-style: <c>{"active":false}</c> and nothing else, or
/// the token's subject and ids (<c>exp</c> in Unix seconds). AuthService writes it, ChatApi reads it.
/// </summary>
public sealed record IntrospectionResponse(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sub = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Jti = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sid = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp = null)
{
    public static IntrospectionResponse Inactive { get; } = new(false);
}
