namespace AuthService.Apis.Contracts;

/// <summary>Body of <c>POST /auth/register</c> and <c>POST /auth/token</c>.</summary>
public sealed record CredentialsRequest(string? Username, string? Password);
