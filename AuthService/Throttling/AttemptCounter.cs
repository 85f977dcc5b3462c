using System.Globalization;
using AuthService.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthService.Throttling;

/// <summary>
/// Reserves attempts against fixed-window limits shared by every replica: one Redis script call that checks and
/// counts atomically (<see cref="AttemptScripts"/>). While Redis is unreachable, or does not answer within
/// <see cref="ThrottlingOptions.RedisTimeout"/>, the same limits are counted in this process
/// (<see cref="LocalAttemptWindows"/>) instead: never failing open, never refusing everyone.
/// </summary>
public sealed partial class AttemptCounter(
    IConnectionMultiplexer redis,
    IOptions<AuthOptions> options,
    TimeProvider timeProvider,
    ILogger<AttemptCounter> logger)
{
    private readonly ThrottlingOptions _options = options.Value.Throttling;
    private readonly LocalAttemptWindows _local = new(timeProvider, options.Value.Throttling.LocalCapacity);

    public async Task<ThrottleDecision> TryReserveAsync(IReadOnlyList<AttemptLimit> limits)
    {
        if (!redis.IsConnected)
        {
            LogCountingLocally(logger, null);
            return _local.TryReserve(limits);
        }

        try
        {
            var keys = limits.Select(limit => (RedisKey)limit.Key).ToArray();
            var arguments = limits
                .SelectMany(limit => new RedisValue[] { limit.Limit, (long)limit.Window.TotalMilliseconds })
                .ToArray();
            var result = await redis.GetDatabase().ScriptEvaluateAsync(AttemptScripts.Reserve, keys, arguments).WaitAsync(_options.RedisTimeout);
            return Interpret(result, limits);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The script may still run in Redis: the attempt is then counted twice, which only errs on the safe side.
            LogCountingLocally(logger, exception);
            return _local.TryReserve(limits);
        }
    }

    /// <summary>
    /// Gives a reserved attempt back: each counter is cleared (<paramref name="delete"/>) or decremented. Best
    /// effort: if Redis does not answer, the counts expire with their windows anyway.
    /// </summary>
    public async Task GiveBackAsync(IReadOnlyList<(string Key, bool Delete)> counters, ThrottleDecision reservation)
    {
        if (reservation.CountedLocally)
        {
            _local.GiveBack(counters);
        }

        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(
                AttemptScripts.GiveBack,
                [.. counters.Select(counter => (RedisKey)counter.Key)],
                [.. counters.Select(counter => (RedisValue)(counter.Delete ? "delete" : "release"))]).WaitAsync(_options.RedisTimeout);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogGiveBackFailed(logger, exception.GetType().Name);
        }
    }

    /// <summary>The script's answer: {0, 0} allowed, or {index of the refusing limit (1-based), remaining ms}.</summary>
    public static ThrottleDecision Interpret(RedisResult result, IReadOnlyList<AttemptLimit> limits)
    {
        var values = (RedisResult[])result!;
        var refusedBy = (int)values[0];
        if (refusedBy == 0)
        {
            return ThrottleDecision.Allowed;
        }

        if (refusedBy < 1 || refusedBy > limits.Count)
        {
            throw new RedisException(string.Create(CultureInfo.InvariantCulture, $"The throttle script answered an unknown limit ({refusedBy})."));
        }

        return ThrottleDecision.Throttled(TimeSpan.FromMilliseconds((long)values[1]), limits[refusedBy - 1].Name);
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable for throttling; counting attempts in this replica until it is back.")]
    private static partial void LogCountingLocally(ILogger logger, Exception? exception);

    [LoggerMessage(LogLevel.Debug, "Could not give back a throttled attempt ({ExceptionType}); its window expires on its own.")]
    private static partial void LogGiveBackFailed(ILogger logger, string exceptionType);
}
