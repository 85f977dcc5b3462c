using AuthService.Configuration;
using AuthService.Keys;
using Microsoft.Extensions.Time.Testing;

namespace AuthService.Tests.Unit;

/// <summary>The rotation timeline as pure computations on a fake clock (7-day rotation, 15-min tokens, 30 s skew).</summary>
public sealed class SigningKeyScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Rotation = TimeSpan.FromDays(7);
    private static readonly TimeSpan TokenTail = TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly SigningKeySchedule _schedule = Schedule(new AuthOptions());

    [Fact]
    public void Without_keys_a_key_signing_from_now_is_due()
    {
        var due = _schedule.NextKeyDue([], _clock.GetUtcNow());

        Assert.Equal(new SigningKeyTimeline(Start, Start + Rotation, Start + Rotation + TokenTail), due);
    }

    [Fact]
    public void The_successor_is_due_one_publish_ahead_before_retirement_and_takes_over_at_retirement()
    {
        var current = _schedule.TimelineFrom(Start);

        _clock.Advance(Rotation - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Null(_schedule.NextKeyDue([current], _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromSeconds(1));
        var next = _schedule.NextKeyDue([current], _clock.GetUtcNow());
        Assert.Equal(_schedule.TimelineFrom(current.RetiresAt), next);

        // Published now, but the current key keeps signing until it retires.
        Assert.False(_schedule.CanSign(next!.Value, _clock.GetUtcNow()));
        Assert.True(_schedule.CanSign(current, _clock.GetUtcNow()));
        Assert.Null(_schedule.NextKeyDue([current, next.Value], _clock.GetUtcNow()));
    }

    [Fact]
    public void The_signing_key_switches_exactly_at_activation()
    {
        var current = new Key(_schedule.TimelineFrom(Start));
        var next = new Key(_schedule.TimelineFrom(current.Timeline.RetiresAt));
        Key[] keys = [current, next];

        _clock.Advance(Rotation - TimeSpan.FromTicks(1));
        Assert.Same(current, _schedule.SelectSigningKey(keys, key => key.Timeline, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Same(next, _schedule.SelectSigningKey(keys, key => key.Timeline, _clock.GetUtcNow()));
    }

    [Fact]
    public void A_retired_key_verifies_until_its_last_token_has_expired_then_leaves_the_jwks()
    {
        var key = _schedule.TimelineFrom(Start);

        _clock.Advance(Rotation + TokenTail - TimeSpan.FromSeconds(1));
        Assert.False(_schedule.CanSign(key, _clock.GetUtcNow()));
        Assert.True(_schedule.IsVerifiable(key, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_schedule.IsVerifiable(key, _clock.GetUtcNow()));
    }

    [Fact]
    public void A_key_created_under_a_shorter_token_lifetime_verifies_as_long_as_the_current_lifetime_needs()
    {
        var stored = Schedule(new AuthOptions { AccessTokenLifetime = TimeSpan.FromMinutes(5) }).TimelineFrom(Start);

        Assert.Equal(stored.RetiresAt + TokenTail, _schedule.VerifiableUntil(stored));
    }

    [Fact]
    public void When_every_key_has_retired_a_key_signing_from_now_is_due()
    {
        var old = _schedule.TimelineFrom(Start);
        _clock.Advance(Rotation * 3);

        Assert.Equal(_schedule.TimelineFrom(_clock.GetUtcNow()), _schedule.NextKeyDue([old], _clock.GetUtcNow()));
    }

    [Fact]
    public void Publish_ahead_is_capped_at_half_the_rotation_interval()
    {
        var schedule = Schedule(new AuthOptions { SigningKeys = { RotationInterval = TimeSpan.FromSeconds(4), PublishAhead = TimeSpan.FromHours(1) } });
        var current = schedule.TimelineFrom(Start);

        Assert.Equal(TimeSpan.FromSeconds(2), schedule.PublishAhead);
        Assert.Null(schedule.NextKeyDue([current], Start + TimeSpan.FromSeconds(1.9)));
        Assert.NotNull(schedule.NextKeyDue([current], Start + TimeSpan.FromSeconds(2)));
    }

    private sealed record Key(SigningKeyTimeline Timeline);

    private static SigningKeySchedule Schedule(AuthOptions options) => new(Microsoft.Extensions.Options.Options.Create(options));
}
