namespace AuthService.Throttling;

/// <summary>
/// The Lua scripts that make a throttle decision one atomic Redis round trip, so concurrent attempts cannot all
/// read "below the limit" before any of them is counted.
/// </summary>
public static class AttemptScripts
{
    /// <summary>
    /// KEYS: the counters; ARGV: limit and window (ms) of each, in pairs. If any counter has reached its limit,
    /// nothing is counted and the answer is {index of that counter (1-based), its remaining ms}; otherwise every
    /// counter is incremented (a new one gets its window; one that lost its expiry gets it back) and the answer is
    /// {0, 0}. Redis runs a script alone, so the check and the counting cannot interleave with another attempt's.
    /// </summary>
    public const string Reserve = """
        for i = 1, #KEYS do
          local count = tonumber(redis.call('GET', KEYS[i]) or '0')
          if count >= tonumber(ARGV[2 * i - 1]) then
            local ttl = redis.call('PTTL', KEYS[i])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
              ttl = tonumber(ARGV[2 * i])
            end
            return {i, ttl}
          end
        end
        for i = 1, #KEYS do
          local count = redis.call('INCR', KEYS[i])
          if count == 1 or redis.call('PTTL', KEYS[i]) < 0 then
            redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
          end
        end
        return {0, 0}
        """;

    /// <summary>
    /// Gives attempts back. ARGV[i] says what to do with KEYS[i]: <c>delete</c> (a successful login clears the
    /// username's counter) or <c>release</c> (one attempt given back, never below zero: an address many people may
    /// share, or an attempt a dependency outage kept from being decided).
    /// </summary>
    public const string GiveBack = """
        for i = 1, #KEYS do
          if ARGV[i] == 'delete' then
            redis.call('DEL', KEYS[i])
          elseif tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then
            redis.call('DECR', KEYS[i])
          end
        end
        return 0
        """;
}
