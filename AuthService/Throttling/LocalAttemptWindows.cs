namespace AuthService.Throttling;

/// <summary>
/// The same fixed windows as <see cref="AttemptScripts.Reserve"/>, counted in this process: what a replica falls
/// back to while Redis is unreachable or slow. Each replica counts on its own, so during an outage an attacker gets
/// at most the limit times the number of replicas per window instead of no limit at all.
/// </summary>
/// <remarks>
/// Bounded: attacker-chosen usernames must not grow it without end. Past <see cref="Capacity"/> live counters,
/// expired ones are dropped, and if it is still full a new counter is refused (the attempt is throttled): in an
/// outage under attack, refusing strangers is the lesser harm.
/// </remarks>
public sealed class LocalAttemptWindows(TimeProvider timeProvider, int capacity)
{
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>Counts the attempt against every limit, or against none when one of them is reached.</summary>
    public ThrottleDecision TryReserve(IReadOnlyList<AttemptLimit> limits)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            foreach (var limit in limits)
            {
                if (_windows.TryGetValue(limit.Key, out var window) && window.EndsAt > now && window.Count >= limit.Limit)
                {
                    return ThrottleDecision.Throttled(window.EndsAt - now, limit.Name, countedLocally: true);
                }
            }

            var missing = limits.Count(limit => !_windows.TryGetValue(limit.Key, out var window) || window.EndsAt <= now);
            if (_windows.Count + missing > capacity)
            {
                _windows.Where(pair => pair.Value.EndsAt <= now).Select(pair => pair.Key).ToList().ForEach(key => _windows.Remove(key));
                if (_windows.Count + missing > capacity)
                {
                    return ThrottleDecision.Throttled(limits[0].Window, "local_capacity", countedLocally: true);
                }
            }

            foreach (var limit in limits)
            {
                _windows[limit.Key] = _windows.TryGetValue(limit.Key, out var window) && window.EndsAt > now
                    ? window with { Count = window.Count + 1 }
                    : new Window(1, now + limit.Window);
            }

            return ThrottleDecision.AllowedLocally;
        }
    }

    /// <summary>As <see cref="AttemptScripts.GiveBack"/>: each counter cleared (<c>Delete</c>) or given one attempt back.</summary>
    public void GiveBack(IReadOnlyList<(string Key, bool Delete)> counters)
    {
        lock (_lock)
        {
            foreach (var (key, delete) in counters)
            {
                if (delete)
                {
                    _windows.Remove(key);
                }
                else if (_windows.TryGetValue(key, out var window) && window.Count > 0)
                {
                    _windows[key] = window with { Count = window.Count - 1 };
                }
            }
        }
    }

    private readonly record struct Window(int Count, DateTimeOffset EndsAt);
}
