namespace AuthService.Tokens;

/// <summary>How a login ended (<see cref="LoginResult.Status"/>).</summary>
public enum LoginStatus
{
    Succeeded,
    InvalidCredentials,
    Throttled,
}
