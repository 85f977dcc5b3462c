namespace AuthService.Throttling;

/// <summary>
/// Whether an attempt may proceed and, if not, which limit refused it and for how long. An allowed attempt has been
/// counted already; <see cref="CountedLocally"/> says it was counted by this replica alone (Redis unavailable).
/// </summary>
public readonly record struct ThrottleDecision(bool IsThrottled, TimeSpan RetryAfter, string? Limit, bool CountedLocally = false)
{
    public static ThrottleDecision Allowed => default;

    public static ThrottleDecision AllowedLocally => new(false, TimeSpan.Zero, null, CountedLocally: true);

    public static ThrottleDecision Throttled(TimeSpan retryAfter, string limit, bool countedLocally = false) =>
        new(true, retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1), limit, countedLocally);
}
