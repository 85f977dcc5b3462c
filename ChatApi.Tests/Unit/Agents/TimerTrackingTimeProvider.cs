using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer was created, so a test advances time only once the code
/// under test waits on it (a <c>Task.Delay</c> starts a moment after the event that announces it).
/// </summary>
internal sealed class TimerTrackingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _created = [];

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _created.Add(dueTime);
        }

        return timer;
    }

    /// <summary>Waits (in real time) until <paramref name="count"/> timers due after <paramref name="dueTime"/> were created.</summary>
    public async Task WaitForTimersAsync(TimeSpan dueTime, int count = 1)
    {
        for (var i = 0; i < 1000; i++)
        {
            lock (_gate)
            {
                if (_created.Count(created => created == dueTime) >= count)
                {
                    return;
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No {count} timers due after {dueTime} were created.");
    }
}
