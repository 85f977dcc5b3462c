namespace AuthService.Tokens;

/// <summary>Names fixed by the token format (RFC 9068 access tokens, OpenID Connect claim names).</summary>
public static class AccessTokenTypes
{
    /// <summary>The <c>typ</c> header of every access token.</summary>
    public const string AccessToken = "at+jwt";

    public const string UsernameClaim = "preferred_username";

    public const string SessionIdClaim = "sid";
}
