using System.Text.Json;
using StackExchange.Redis;

namespace AuthService.Revocation;

/// <summary>
/// The denylist every replica shares, in Redis: <c>auth:revoked:jti:{jti}</c> for one access token and
/// <c>auth:revoked:sid:{sid}</c> for every access token of a session. Entries expire when the tokens they cover
/// would have, so the list cleans itself.
/// </summary>
public sealed class RevocationList(IConnectionMultiplexer redis)
{
    public const string Channel = "auth:revocations";

    public static RedisKey JtiKey(string jti) => $"auth:revoked:jti:{jti}";

    public static RedisKey SessionKey(Guid sessionId) => $"auth:revoked:sid:{sessionId:D}";

    /// <summary>One round trip: EXISTS on both keys.</summary>
    public async Task<bool> IsRevokedAsync(string jti, Guid sessionId)
    {
        EnsureConnected();
        return await redis.GetDatabase().KeyExistsAsync([JtiKey(jti), SessionKey(sessionId)]) > 0;
    }

    /// <summary>Writes the denylist entries, then publishes the notice (one pipelined round trip, in that order).</summary>
    public async Task RevokeAsync(RevocationNotice notice, Guid sessionId, TimeSpan sessionTtl, TimeSpan? jtiTtl)
    {
        EnsureConnected();
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>(3);
        if (notice.Jti is not null && jtiTtl is { } ttl)
        {
            writes.Add(batch.StringSetAsync(JtiKey(notice.Jti), 1, ttl));
        }

        writes.Add(batch.StringSetAsync(SessionKey(sessionId), 1, sessionTtl));
        writes.Add(batch.PublishAsync(RedisChannel.Literal(Channel), JsonSerializer.Serialize(notice)));
        batch.Execute();
        await Task.WhenAll(writes);
    }

    private void EnsureConnected()
    {
        // Answer at once rather than queue behind a reconnect: callers turn this into 503.
        if (!redis.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis is not connected.", null, CommandStatus.WaitingToBeSent);
        }
    }
}
