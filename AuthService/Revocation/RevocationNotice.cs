using System.Text.Json.Serialization;

namespace AuthService.Revocation;

/// <summary>
/// Published on <see cref="RevocationList.Channel"/> whenever a session is revoked, so ChatApi can close its
/// WebSockets and drop cached validations at once. <see cref="Jti"/> is null when the whole session was revoked
/// because a refresh token was reused; <see cref="Exp"/> (unix seconds) is when the revocation stops mattering.
/// </summary>
public sealed record RevocationNotice(
    [property: JsonPropertyName("jti")] string? Jti,
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("sub")] string Sub,
    [property: JsonPropertyName("exp")] long Exp);
