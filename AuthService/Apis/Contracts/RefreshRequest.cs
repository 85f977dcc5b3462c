using System.Text.Json.Serialization;

namespace AuthService.Apis.Contracts;

/// <summary>Body of <c>POST /auth/refresh</c>.</summary>
public sealed record RefreshRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);
