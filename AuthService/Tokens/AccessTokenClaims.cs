namespace AuthService.Tokens;

/// <summary>What a valid access token asserts.</summary>
public sealed record AccessTokenClaims(Guid UserId, string Username, string Jti, Guid SessionId, DateTimeOffset ExpiresAt, string Kid);
