using ServiceDefaults.AuthPath;
using StackExchange.Redis;

namespace AuthService.Revocation;

/// <summary>
/// The denylist every replica shares, in Redis (<see cref="RevocationKeys"/>): one access token or every access token
/// of a session. Entries expire when the tokens they cover would have, so the list cleans itself.
/// </summary>
public sealed class RevocationList(IConnectionMultiplexer redis)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(RevocationNotice.Channel);

    /// <summary>One round trip: EXISTS on both keys.</summary>
    public async Task<bool> IsRevokedAsync(string jti, Guid sessionId)
    {
        EnsureConnected();
        return await redis.GetDatabase().KeyExistsAsync([RevocationKeys.ForToken(jti), RevocationKeys.ForSession(sessionId.ToString())]) > 0;
    }

    /// <summary>Writes the denylist entries, then publishes the notice (one pipelined round trip, in that order).</summary>
    public async Task RevokeAsync(RevocationNotice notice, Guid sessionId, TimeSpan sessionTtl, TimeSpan? jtiTtl)
    {
        EnsureConnected();
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>(3);
        if (notice.TokenId is not null && jtiTtl is { } ttl)
        {
            writes.Add(batch.StringSetAsync(RevocationKeys.ForToken(notice.TokenId), 1, ttl));
        }

        writes.Add(batch.StringSetAsync(RevocationKeys.ForSession(sessionId.ToString()), 1, sessionTtl));
        writes.Add(batch.PublishAsync(Channel, notice.ToJson()));
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
