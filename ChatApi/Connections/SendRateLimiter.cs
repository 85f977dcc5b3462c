namespace ChatApi.Connections;

/// <summary>
/// A token bucket per connection: <c>burst</c> frames at once, refilled at <c>ratePerSecond</c>. Exceeding it is a
/// policy violation (1008); a well-behaved client never notices.
/// </summary>
public sealed class SendRateLimiter(double ratePerSecond, int burst, TimeProvider timeProvider)
{
    private double _tokens = burst;
    private long _lastRefill = timeProvider.GetTimestamp();

    /// <summary>Takes one token; false when the bucket is empty. Called from the receive loop only.</summary>
    public bool TryAcquire()
    {
        var now = timeProvider.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (timeProvider.GetElapsedTime(_lastRefill, now).TotalSeconds * ratePerSecond));
        _lastRefill = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
