namespace AuthService.Tokens;

/// <summary>The answer to a login: tokens, a refusal that does not say why, or a throttle with its wait.</summary>
public sealed record LoginResult(LoginStatus Status, TokenPair? Tokens = null, TimeSpan RetryAfter = default)
{
    public static LoginResult InvalidCredentials { get; } = new(LoginStatus.InvalidCredentials);
}
