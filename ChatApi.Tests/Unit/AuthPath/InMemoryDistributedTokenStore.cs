using System.Collections.Concurrent;
using ChatApi.Auth;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>
/// Unit-test double of the Redis layer: the shared token cache with TTLs on the fake clock, and AuthService's denylist.
/// The real Redis path (MGET of cache and denylist keys) is exercised by the distributed tests.
/// </summary>
internal sealed class InMemoryDistributedTokenStore(TimeProvider timeProvider) : IDistributedTokenStore
{
    private readonly ConcurrentDictionary<string, (AuthenticatedUser User, DateTimeOffset ExpiresAt)> _entries = new();
    private int _lookups;

    public ConcurrentDictionary<string, byte> RevokedTokenIds { get; } = new();

    public ConcurrentDictionary<string, byte> RevokedSessionIds { get; } = new();

    public bool Available { get; set; } = true;

    public int Lookups => Volatile.Read(ref _lookups);

    public TimeSpan? LastTimeToLive { get; private set; }

    public bool Contains(string tokenHash) =>
        _entries.TryGetValue(tokenHash, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow();

    public void Put(string tokenHash, AuthenticatedUser user, TimeSpan timeToLive) =>
        _entries[tokenHash] = (user, timeProvider.GetUtcNow() + timeToLive);

    public Task<DistributedTokenLookup> LookupAsync(string tokenHash, string tokenId, string? sessionId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        if (!Available)
        {
            return Task.FromResult<DistributedTokenLookup>(new DistributedTokenLookup.Unavailable("down (fake)"));
        }

        if (RevokedTokenIds.ContainsKey(tokenId) || (sessionId is not null && RevokedSessionIds.ContainsKey(sessionId)))
        {
            return Task.FromResult<DistributedTokenLookup>(new DistributedTokenLookup.Revoked());
        }

        return Task.FromResult<DistributedTokenLookup>(
            _entries.TryGetValue(tokenHash, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow()
                ? new DistributedTokenLookup.Hit(entry.User)
                : new DistributedTokenLookup.Miss());
    }

    public Task StoreAsync(string tokenHash, AuthenticatedUser user, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (Available)
        {
            LastTimeToLive = timeToLive;
            Put(tokenHash, user, timeToLive);
        }

        return Task.CompletedTask;
    }
}
