using AuthService.Throttling;
using StackExchange.Redis;

namespace AuthService.Tests.Unit;

/// <summary>Reading the throttle script's answer: {0, 0} allowed, or {refusing limit (1-based), remaining ms}.</summary>
public sealed class AttemptCounterTests
{
    private static readonly AttemptLimit[] Limits =
    [
        new("user", 5, TimeSpan.FromMinutes(5), "username"),
        new("client", 30, TimeSpan.FromMinutes(1), "client"),
    ];

    [Fact]
    public void Zero_is_allowed()
    {
        Assert.Equal(ThrottleDecision.Allowed, AttemptCounter.Interpret(Answer(0, 0), Limits));
    }

    [Theory]
    [InlineData(1, "username")]
    [InlineData(2, "client")]
    public void An_index_names_the_refusing_limit_and_its_remaining_time(int index, string limit)
    {
        var decision = AttemptCounter.Interpret(Answer(index, 1500), Limits);

        Assert.True(decision.IsThrottled);
        Assert.Equal(limit, decision.Limit);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), decision.RetryAfter);
        Assert.False(decision.CountedLocally);
    }

    [Fact]
    public void A_retry_after_is_never_zero()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), AttemptCounter.Interpret(Answer(1, 0), Limits).RetryAfter);
    }

    [Fact]
    public void An_unknown_index_is_a_redis_error_so_the_local_fallback_decides()
    {
        Assert.Throws<RedisException>(() => AttemptCounter.Interpret(Answer(3, 10), Limits));
    }

    private static RedisResult Answer(long index, long milliseconds) =>
        RedisResult.Create([RedisResult.Create(index), RedisResult.Create(milliseconds)]);
}
