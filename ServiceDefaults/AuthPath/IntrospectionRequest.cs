namespace ServiceDefaults.AuthPath;

/// <summary>Body of AuthService's <c>POST /auth/introspect</c>: <c>{"token": ...}</c>. AuthService reads it, ChatApi sends it.</summary>
public sealed record IntrospectionRequest(string? Token);
