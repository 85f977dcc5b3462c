using ChatApi.Connections;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Chat;

public sealed class SendRateLimiterTests
{
    [Fact]
    public void A_burst_is_allowed_then_the_bucket_is_empty()
    {
        var limiter = new SendRateLimiter(ratePerSecond: 20, burst: 50, new FakeTimeProvider());

        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(limiter.TryAcquire()));
        Assert.False(limiter.TryAcquire());
    }

    [Fact]
    public void The_sustained_rate_refills_the_bucket()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(ratePerSecond: 20, burst: 50, time);
        while (limiter.TryAcquire())
        {
        }

        // 20 frames per second, for ten seconds, never exceed the limit.
        for (var second = 0; second < 10; second++)
        {
            for (var frame = 0; frame < 20; frame++)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                Assert.True(limiter.TryAcquire());
            }
        }
    }

    [Fact]
    public void Idle_time_refills_only_up_to_the_burst()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(ratePerSecond: 20, burst: 50, time);
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(50, Enumerable.Range(0, 100).Count(_ => limiter.TryAcquire()));
    }
}
