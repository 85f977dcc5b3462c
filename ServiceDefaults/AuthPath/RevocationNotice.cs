using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// What AuthService publishes on <see cref="Channel"/> once a revocation is in the denylist (<see cref="RevocationKeys"/>),
/// and what ChatApi follows to close the sessions and drop the validations it cached. One declaration for both sides,
/// so publisher and subscriber cannot drift apart. On the wire:
/// <c>{"jti":"&lt;uuid or null&gt;","sid":"&lt;uuid&gt;","sub":"&lt;user id&gt;","exp":&lt;unix seconds&gt;}</c>.
/// </summary>
/// <param name="TokenId">The revoked access token (<c>jti</c>); null when a whole session was revoked because a refresh token was reused.</param>
/// <param name="SessionId">The revoked login session (<c>sid</c>, the refresh-token family).</param>
/// <param name="UserId">The session's user (<c>sub</c>).</param>
/// <param name="ExpiresAt">When the revocation stops mattering, in unix seconds (<c>exp</c>): every access token of the session has expired by then.</param>
/// <remarks>Every field is nullable as read: a subscriber decides what it can act on.</remarks>
public sealed record RevocationNotice(
    [property: JsonPropertyName("jti")] string? TokenId,
    [property: JsonPropertyName("sid")] string? SessionId,
    [property: JsonPropertyName("sub")] string? UserId,
    [property: JsonPropertyName("exp")] long? ExpiresAt)
{
    /// <summary>The Redis pub/sub channel the notices go out on.</summary>
    public const string Channel = "auth:revocations";

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The notice in <paramref name="json"/>, or null for the JSON <c>null</c>.</summary>
    /// <exception cref="JsonException">Not JSON, not an object, or a field of the wrong type.</exception>
    public static RevocationNotice? FromJson(string json) => JsonSerializer.Deserialize<RevocationNotice>(json);
}
