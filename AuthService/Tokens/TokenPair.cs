namespace AuthService.Tokens;

/// <summary>An access token and the refresh token of the same session.</summary>
public sealed record TokenPair(string AccessToken, TimeSpan ExpiresIn, string RefreshToken);
