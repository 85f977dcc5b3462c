using System.Security.Cryptography;
using System.Text;
using AuthService.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthService.Throttling;

/// <summary>
/// Counts failed logins per username and per client address in Redis (fixed windows, shared by every replica);
/// once a count reaches its limit further attempts are refused until the window ends. Successful logins are not
/// counted, so many users behind one address can still sign in.
/// </summary>
/// <remarks>
/// When Redis is unreachable the throttle fails open and logs it: refusing every login would turn a cache outage
/// into a full outage, while password hashing still bounds how fast anyone can guess.
/// </remarks>
public sealed partial class LoginThrottle(IConnectionMultiplexer redis, IOptions<AuthOptions> options, ILogger<LoginThrottle> logger)
{
    public const string UsernameLimit = "username";
    public const string ClientLimit = "client";

    // A hung Redis must not hold logins for the client library's full timeout: past this, fail open.
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(1);

    private readonly ThrottlingOptions _options = options.Value.Throttling;

    public async Task<ThrottleDecision> CheckAsync(string? username, string clientAddress)
    {
        if (!redis.IsConnected)
        {
            LogFailingOpen(logger, null);
            return ThrottleDecision.Allowed;
        }

        try
        {
            var (userKey, clientKey) = (UsernameKey(username), ClientKey(clientAddress));
            var batch = redis.GetDatabase().CreateBatch();
            var counts = batch.StringGetAsync([userKey, clientKey]);
            var userTtl = batch.KeyTimeToLiveAsync(userKey);
            var clientTtl = batch.KeyTimeToLiveAsync(clientKey);
            batch.Execute();

            var values = await counts.WaitAsync(RedisTimeout);
            if ((long?)values[0] >= _options.UsernameFailureLimit)
            {
                return new ThrottleDecision(true, RetryAfter(await userTtl, _options.UsernameWindow), UsernameLimit);
            }

            if ((long?)values[1] >= _options.ClientFailureLimit)
            {
                return new ThrottleDecision(true, RetryAfter(await clientTtl, _options.ClientWindow), ClientLimit);
            }

            return ThrottleDecision.Allowed;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogFailingOpen(logger, exception);
            return ThrottleDecision.Allowed;
        }
    }

    public async Task RecordFailureAsync(string? username, string clientAddress)
    {
        if (!redis.IsConnected)
        {
            LogFailingOpen(logger, null);
            return;
        }

        try
        {
            var (userKey, clientKey) = (UsernameKey(username), ClientKey(clientAddress));
            var batch = redis.GetDatabase().CreateBatch();
            // The window starts with the first failure; NX keeps later failures from extending it, and repairs a
            // counter that lost its expiry.
            Task[] writes =
            [
                batch.StringIncrementAsync(userKey),
                batch.KeyExpireAsync(userKey, _options.UsernameWindow, ExpireWhen.HasNoExpiry),
                batch.StringIncrementAsync(clientKey),
                batch.KeyExpireAsync(clientKey, _options.ClientWindow, ExpireWhen.HasNoExpiry),
            ];
            batch.Execute();
            await Task.WhenAll(writes).WaitAsync(RedisTimeout);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogFailingOpen(logger, exception);
        }
    }

    /// <summary>A successful login clears the username's failures (not the address's).</summary>
    public async Task ResetAsync(string username)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await redis.GetDatabase().KeyDeleteAsync(UsernameKey(username)).WaitAsync(RedisTimeout);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogFailingOpen(logger, exception);
        }
    }

    // Usernames are attacker-chosen: hashed, every key has the same bounded shape.
    private static RedisKey UsernameKey(string? username) =>
        $"auth:throttle:user:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username ?? string.Empty)), 0, 16)}";

    private static RedisKey ClientKey(string clientAddress) => $"auth:throttle:client:{clientAddress}";

    private static TimeSpan RetryAfter(TimeSpan? remaining, TimeSpan window) =>
        remaining is { } ttl && ttl > TimeSpan.Zero ? ttl : window;

    [LoggerMessage(LogLevel.Warning, "Login throttling is unavailable (Redis unreachable); allowing the attempt.")]
    private static partial void LogFailingOpen(ILogger logger, Exception? exception);
}
