namespace AuthService.Users;

/// <summary>A row of <c>auth.users</c>.</summary>
public sealed record User(Guid Id, string Username, string PasswordHash, DateTimeOffset CreatedAt, bool Disabled);
