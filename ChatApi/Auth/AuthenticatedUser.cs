namespace ChatApi.Auth;

/// <summary>Who a validated token speaks for, and until when.</summary>
/// <param name="UserId">The token's <c>sub</c>.</param>
/// <param name="Username">The token's <c>preferred_username</c>.</param>
/// <param name="TokenId">The token's <c>jti</c>: revocation notices name it.</param>
/// <param name="SessionId">The token's <c>sid</c> (refresh family): revoking a session revokes all its tokens.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>: the chat session ends then (1008).</param>
public sealed record AuthenticatedUser(string UserId, string Username, string TokenId, string? SessionId, DateTimeOffset ExpiresAt);
