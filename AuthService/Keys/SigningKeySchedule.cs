using AuthService.Configuration;
using Microsoft.Extensions.Options;

namespace AuthService.Keys;

/// <summary>
/// The rotation rules, as pure functions of the key timelines and the current time: which key signs, which keys
/// verify, and when the next key must be created.
/// </summary>
public sealed class SigningKeySchedule(IOptions<AuthOptions> options)
{
    private readonly AuthOptions _options = options.Value;

    public TimeSpan RotationInterval => _options.SigningKeys.RotationInterval;

    /// <summary>How long before the current key retires its successor is created (and so published).</summary>
    public TimeSpan PublishAhead => TimeSpan.FromTicks(Math.Min(_options.SigningKeys.PublishAhead.Ticks, RotationInterval.Ticks / 2));

    /// <summary>Longest time a token signed at the last moment of a key may still be accepted.</summary>
    private TimeSpan TokenTail => _options.AccessTokenLifetime + _options.ClockSkew;

    public SigningKeyTimeline TimelineFrom(DateTimeOffset activatesAt)
    {
        var retiresAt = activatesAt + RotationInterval;
        return new SigningKeyTimeline(activatesAt, retiresAt, retiresAt + TokenTail);
    }

    /// <summary>
    /// Until when tokens signed by the key can still be valid. The stored expiry is kept unless the access token
    /// lifetime has grown since the key was created.
    /// </summary>
    public DateTimeOffset VerifiableUntil(SigningKeyTimeline key)
    {
        var withCurrentLifetime = key.RetiresAt + TokenTail;
        return key.ExpiresAt > withCurrentLifetime ? key.ExpiresAt : withCurrentLifetime;
    }

    public bool IsVerifiable(SigningKeyTimeline key, DateTimeOffset now) => now < VerifiableUntil(key);

    public bool CanSign(SigningKeyTimeline key, DateTimeOffset now) => key.ActivatesAt <= now && now < key.RetiresAt;

    /// <summary>The key that signs now: the most recently activated one still in its signing period.</summary>
    public T? SelectSigningKey<T>(IEnumerable<T> signable, Func<T, SigningKeyTimeline> timeline, DateTimeOffset now)
        where T : class =>
        signable.Where(key => CanSign(timeline(key), now)).MaxBy(key => timeline(key).ActivatesAt);

    /// <summary>
    /// The timeline of the key to create now, or null when none is due. <paramref name="signable"/> are the keys this
    /// replica can sign with (published but undecryptable keys do not count).
    /// </summary>
    public SigningKeyTimeline? NextKeyDue(IReadOnlyCollection<SigningKeyTimeline> signable, DateTimeOffset now)
    {
        if (!signable.Any(key => CanSign(key, now)))
        {
            // Nothing can sign right now (first start, or every key retired while no replica was running).
            return TimelineFrom(now);
        }

        var latest = signable.MaxBy(key => key.ActivatesAt);
        if (latest.RetiresAt - now <= PublishAhead)
        {
            // Its successor takes over the moment it retires, published from now on.
            return TimelineFrom(latest.RetiresAt);
        }

        return null;
    }
}
