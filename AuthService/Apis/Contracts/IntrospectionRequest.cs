namespace AuthService.Apis.Contracts;

/// <summary>Body of <c>POST /auth/introspect</c>.</summary>
public sealed record IntrospectionRequest(string? Token);
