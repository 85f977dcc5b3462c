namespace AuthService.Throttling;

/// <summary>Whether a login attempt may proceed and, if not, which limit refused it and for how long.</summary>
public readonly record struct ThrottleDecision(bool IsThrottled, TimeSpan RetryAfter, string? Limit)
{
    public static ThrottleDecision Allowed => default;
}
