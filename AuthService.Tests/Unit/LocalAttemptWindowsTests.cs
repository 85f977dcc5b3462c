using AuthService.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace AuthService.Tests.Unit;

/// <summary>
/// The in-process fallback of the throttle (Redis unreachable or slow): the same fixed windows as the Redis script,
/// on a fake clock.
/// </summary>
public sealed class LocalAttemptWindowsTests
{
    private static readonly AttemptLimit User = new("user:a", 3, TimeSpan.FromMinutes(5), "username");
    private static readonly AttemptLimit Client = new("client:1", 5, TimeSpan.FromMinutes(1), "client");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Counts_up_to_the_limit_then_refuses_with_the_windows_remaining_time_without_counting()
    {
        var windows = new LocalAttemptWindows(_clock, 100);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.False(windows.TryReserve([User, Client]).IsThrottled);
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        var refused = windows.TryReserve([User, Client]);

        Assert.True(refused.IsThrottled);
        Assert.Equal("username", refused.Limit);
        Assert.Equal(TimeSpan.FromSeconds(270), refused.RetryAfter);
        Assert.True(refused.CountedLocally);

        // The refused attempt was not counted against the client: two more from it pass for another username.
        var other = User with { Key = "user:b" };
        Assert.False(windows.TryReserve([other, Client]).IsThrottled);
        Assert.False(windows.TryReserve([other, Client]).IsThrottled);
        Assert.Equal("client", windows.TryReserve([other, Client]).Limit);
    }

    [Fact]
    public void A_window_starts_with_its_first_attempt_and_ends_after_its_length()
    {
        var windows = new LocalAttemptWindows(_clock, 100);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            windows.TryReserve([User]);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.FromMinutes(2), windows.TryReserve([User]).RetryAfter);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(windows.TryReserve([User]).IsThrottled);
    }

    [Fact]
    public void Forgiving_clears_one_counter_and_gives_one_attempt_back_to_the_other()
    {
        var windows = new LocalAttemptWindows(_clock, 100);
        var client = Client with { Limit = 3 };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            windows.TryReserve([User, client]);
        }

        windows.GiveBack([(User.Key, true), (client.Key, false)]);

        Assert.False(windows.TryReserve([User, client]).IsThrottled);
        Assert.Equal("client", windows.TryReserve([User, client]).Limit);
    }

    [Fact]
    public void Is_bounded_dropping_expired_counters_first_then_refusing_new_ones()
    {
        var windows = new LocalAttemptWindows(_clock, 2);
        Assert.False(windows.TryReserve([User with { Key = "a" }]).IsThrottled);
        Assert.False(windows.TryReserve([User with { Key = "b" }]).IsThrottled);

        var full = windows.TryReserve([User with { Key = "c" }]);
        Assert.True(full.IsThrottled);
        Assert.Equal("local_capacity", full.Limit);
        // Counters already held still count.
        Assert.False(windows.TryReserve([User with { Key = "a" }]).IsThrottled);

        _clock.Advance(User.Window);
        Assert.False(windows.TryReserve([User with { Key = "c" }]).IsThrottled);
        Assert.Equal(1, windows.Count);
    }

    [Fact]
    public void An_undecided_attempt_is_given_back_to_both_counters()
    {
        var windows = new LocalAttemptWindows(_clock, 100);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            windows.TryReserve([User, Client]);
            windows.GiveBack([(User.Key, false), (Client.Key, false)]);
        }

        Assert.False(windows.TryReserve([User, Client]).IsThrottled);
        windows.GiveBack([(User.Key, false), (User.Key, false)]);
        // Never below zero: the username still has its whole limit.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.False(windows.TryReserve([User]).IsThrottled);
        }

        Assert.True(windows.TryReserve([User]).IsThrottled);
    }
}
