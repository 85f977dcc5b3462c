namespace ServiceDefaults.AuthPath;

/// <summary>
/// AuthService's denylist in Redis, which ChatApi reads as well: one key per revoked access token and one per revoked
/// login session, each present while the revocation matters (its TTL ends it).
/// </summary>
public static class RevocationKeys
{
    private const string TokenIdPrefix = "auth:revoked:jti:";
    private const string SessionIdPrefix = "auth:revoked:sid:";

    /// <summary>The key that revokes one access token, by its <c>jti</c>.</summary>
    public static string ForToken(string tokenId) => TokenIdPrefix + tokenId;

    /// <summary>The key that revokes every access token of a login session, by its <c>sid</c>.</summary>
    public static string ForSession(string sessionId) => SessionIdPrefix + sessionId;
}
