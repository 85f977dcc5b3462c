using System.Text.Json;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;
using StackExchange.Redis;

namespace ChatApi.Auth;

/// <summary>
/// The shared token cache in Redis (<c>chat:tokens:{sha256}</c> → the user as JSON, TTL ≤ exp and ≤ the cache
/// lifetime), read together with AuthService's denylist keys (<see cref="RevocationKeys"/>, by jti and by sid) in one
/// MGET: another replica's entry cannot be found by jti when a revocation notice arrives, so the denylist is what
/// keeps a revoked token from being served out of it.
/// </summary>
internal sealed partial class RedisDistributedTokenStore(
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    IOptions<ChatAuthOptions> options,
    ILogger<RedisDistributedTokenStore> logger) : IDistributedTokenStore
{
    public const string TokenKeyPrefix = "chat:tokens:";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public async Task<DistributedTokenLookup> LookupAsync(string tokenHash, string tokenId, string? sessionId, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            // The multiplexer knows already; a command would only queue until its timeout.
            return new DistributedTokenLookup.Unavailable("not connected");
        }

        RedisKey[] keys = sessionId is null
            ? [TokenKeyPrefix + tokenHash, RevocationKeys.ForToken(tokenId)]
            : [TokenKeyPrefix + tokenHash, RevocationKeys.ForToken(tokenId), RevocationKeys.ForSession(sessionId)];

        RedisValue[] values;
        try
        {
            values = await redis.GetDatabase().StringGetAsync(keys)
                .WaitAsync(options.Value.RedisTimeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, "lookup", exception.GetType().Name);
            return new DistributedTokenLookup.Unavailable(exception.GetType().Name);
        }

        if (values.Skip(1).Any(value => value.HasValue))
        {
            return new DistributedTokenLookup.Revoked();
        }

        if (values[0].IsNullOrEmpty)
        {
            return new DistributedTokenLookup.Miss();
        }

        try
        {
            var user = JsonSerializer.Deserialize<AuthenticatedUser>((string)values[0]!, JsonOptions);
            return user is null ? new DistributedTokenLookup.Miss() : new DistributedTokenLookup.Hit(user);
        }
        catch (JsonException)
        {
            LogUnreadableEntry(logger);
            return new DistributedTokenLookup.Miss();
        }
    }

    public async Task StoreAsync(string tokenHash, AuthenticatedUser user, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected || timeToLive <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var json = JsonSerializer.Serialize(user, JsonOptions);
            await redis.GetDatabase().StringSetAsync(TokenKeyPrefix + tokenHash, json, timeToLive)
                .WaitAsync(options.Value.RedisTimeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, "store", exception.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis token cache {Operation} failed ({ExceptionType}); validating without it")]
    private static partial void LogRedisFailed(ILogger logger, string operation, string exceptionType);

    [LoggerMessage(LogLevel.Warning, "Unreadable entry in the Redis token cache; treated as a miss")]
    private static partial void LogUnreadableEntry(ILogger logger);
}
