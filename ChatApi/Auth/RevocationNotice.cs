namespace ChatApi.Auth;

/// <summary>
/// A revocation published by AuthService on the Redis channel <c>auth:revocations</c>: a token (<c>jti</c>), a login
/// session (<c>sid</c>, the refresh family) or both.
/// </summary>
public sealed record RevocationNotice(string? TokenId, string? SessionId, string? UserId);
