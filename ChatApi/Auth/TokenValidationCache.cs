using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>
/// Tokens already found active by introspection, in memory (this replica) and in the shared store (all replicas),
/// keyed by the SHA-256 of the token. An entry lives no longer than the token (<c>exp</c>) nor
/// <see cref="ChatAuthOptions.CacheLifetime"/>. Memory entries are indexed by jti and sid, so a revocation notice
/// drops them, and the revoked ids are remembered for one cache lifetime so that an introspection already in flight
/// cannot put a revoked token back.
/// </summary>
internal sealed class TokenValidationCache(
    IDistributedTokenStore store,
    TimeProvider timeProvider,
    IOptions<ChatAuthOptions> options,
    AuthTelemetry telemetry)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byTokenId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _bySessionId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedTokenIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedSessionIds = new(StringComparer.Ordinal);
    private int _storesSinceSweep;

    /// <summary>The cache key of a token: never the token itself, which must not reach logs or Redis keys.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>How long a validation of <paramref name="user"/>'s token may be cached from now (zero: not at all).</summary>
    public TimeSpan TimeToLiveFor(AuthenticatedUser user)
    {
        var untilExpiry = user.ExpiresAt - timeProvider.GetUtcNow();
        var lifetime = options.Value.CacheLifetime;
        var ttl = untilExpiry < lifetime ? untilExpiry : lifetime;
        return ttl > TimeSpan.Zero ? ttl : TimeSpan.Zero;
    }

    public int MemoryCount => _entries.Count;

    public bool TryGetFromMemory(string tokenHash, [NotNullWhen(true)] out AuthenticatedUser? user)
    {
        if (_entries.TryGetValue(tokenHash, out var entry))
        {
            if (entry.ExpiresAt > timeProvider.GetUtcNow() && !IsRevoked(entry.User))
            {
                telemetry.CacheLookup("memory", "hit");
                user = entry.User;
                return true;
            }

            Remove(tokenHash, entry);
        }

        telemetry.CacheLookup("memory", "miss");
        user = null;
        return false;
    }

    /// <summary>The shared cache and the denylist in one round trip; a hit is copied to memory.</summary>
    public async Task<DistributedTokenLookup> LookupSharedAsync(string tokenHash, string tokenId, string? sessionId, CancellationToken cancellationToken)
    {
        var lookup = await store.LookupAsync(tokenHash, tokenId, sessionId, cancellationToken);
        switch (lookup)
        {
            case DistributedTokenLookup.Hit hit when hit.User.TokenId != tokenId || TimeToLiveFor(hit.User) <= TimeSpan.Zero:
                // Not this token's entry after all, or out of date: ignore it.
                telemetry.CacheLookup("redis", "miss");
                return new DistributedTokenLookup.Miss();
            case DistributedTokenLookup.Hit hit:
                telemetry.CacheLookup("redis", "hit");
                StoreInMemory(tokenHash, hit.User);
                return lookup;
            case DistributedTokenLookup.Revoked:
                telemetry.CacheLookup("redis", "revoked");
                Forget(tokenHash);
                return lookup;
            case DistributedTokenLookup.Miss:
                telemetry.CacheLookup("redis", "miss");
                return lookup;
            default:
                telemetry.CacheLookup("redis", "unavailable");
                return lookup;
        }
    }

    /// <summary>Caches an introspected-active token in memory and in the shared store.</summary>
    public async Task StoreAsync(string tokenHash, AuthenticatedUser user, CancellationToken cancellationToken)
    {
        var ttl = TimeToLiveFor(user);
        if (ttl <= TimeSpan.Zero || IsRevoked(user))
        {
            return;
        }

        StoreInMemory(tokenHash, user);
        await store.StoreAsync(tokenHash, user, ttl, cancellationToken);
    }

    /// <summary>Drops every memory entry the notice names and remembers the ids; returns how many entries went.</summary>
    public int Forget(RevocationNotice notice)
    {
        var until = timeProvider.GetUtcNow() + options.Value.CacheLifetime;
        var removed = 0;
        if (!string.IsNullOrEmpty(notice.TokenId))
        {
            _revokedTokenIds[notice.TokenId] = until;
            removed += ForgetIndexed(_byTokenId, notice.TokenId);
        }

        if (!string.IsNullOrEmpty(notice.SessionId))
        {
            _revokedSessionIds[notice.SessionId] = until;
            removed += ForgetIndexed(_bySessionId, notice.SessionId);
        }

        return removed;
    }

    internal void StoreInMemory(string tokenHash, AuthenticatedUser user)
    {
        var ttl = TimeToLiveFor(user);
        if (ttl <= TimeSpan.Zero || IsRevoked(user))
        {
            return;
        }

        if (Interlocked.Increment(ref _storesSinceSweep) >= 1024 || _entries.Count >= options.Value.MaxMemoryCacheEntries)
        {
            Sweep();
            if (_entries.Count >= options.Value.MaxMemoryCacheEntries)
            {
                // Full of live entries: this one is still shared through Redis.
                return;
            }
        }

        _entries[tokenHash] = new Entry(user, timeProvider.GetUtcNow() + ttl);
        Index(_byTokenId, user.TokenId, tokenHash);
        if (user.SessionId is not null)
        {
            Index(_bySessionId, user.SessionId, tokenHash);
        }

        // A revocation that arrived while this entry was being written must still win.
        if (IsRevoked(user))
        {
            Forget(tokenHash);
        }
    }

    private bool IsRevoked(AuthenticatedUser user)
    {
        var now = timeProvider.GetUtcNow();
        return (_revokedTokenIds.TryGetValue(user.TokenId, out var tokenUntil) && tokenUntil > now)
            || (user.SessionId is not null && _revokedSessionIds.TryGetValue(user.SessionId, out var sessionUntil) && sessionUntil > now);
    }

    private void Forget(string tokenHash)
    {
        if (_entries.TryGetValue(tokenHash, out var entry))
        {
            Remove(tokenHash, entry);
        }
    }

    private int ForgetIndexed(ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> index, string id)
    {
        if (!index.TryRemove(id, out var hashes))
        {
            return 0;
        }

        var removed = 0;
        foreach (var hash in hashes.Keys)
        {
            if (_entries.TryGetValue(hash, out var entry) && Remove(hash, entry))
            {
                removed++;
            }
        }

        return removed;
    }

    private bool Remove(string tokenHash, Entry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<string, Entry>(tokenHash, entry)))
        {
            return false;
        }

        Unindex(_byTokenId, entry.User.TokenId, tokenHash);
        if (entry.User.SessionId is not null)
        {
            Unindex(_bySessionId, entry.User.SessionId, tokenHash);
        }

        return true;
    }

    private void Sweep()
    {
        Interlocked.Exchange(ref _storesSinceSweep, 0);
        var now = timeProvider.GetUtcNow();
        foreach (var (hash, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                Remove(hash, entry);
            }
        }

        foreach (var (id, until) in _revokedTokenIds)
        {
            if (until <= now)
            {
                _revokedTokenIds.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, until));
            }
        }

        foreach (var (id, until) in _revokedSessionIds)
        {
            if (until <= now)
            {
                _revokedSessionIds.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, until));
            }
        }
    }

    private static void Index(ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> index, string id, string tokenHash) =>
        index.GetOrAdd(id, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[tokenHash] = 0;

    private static void Unindex(ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> index, string id, string tokenHash)
    {
        if (index.TryGetValue(id, out var hashes))
        {
            hashes.TryRemove(tokenHash, out _);
            if (hashes.IsEmpty)
            {
                index.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, byte>>(id, hashes));
            }
        }
    }

    private sealed record Entry(AuthenticatedUser User, DateTimeOffset ExpiresAt);
}
