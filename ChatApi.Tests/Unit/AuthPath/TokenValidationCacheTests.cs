using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class TokenValidationCacheTests
{
    [Fact]
    public async Task An_entry_never_outlives_the_token()
    {
        using var host = AuthTestHost.Create();
        var now = host.Clock.GetUtcNow();
        var user = new AuthenticatedUser("user-1", "alice", "jti-short", "sid-1", now + TimeSpan.FromMinutes(2));

        await host.Cache.StoreAsync("hash-short", user, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(2), host.SharedStore.LastTimeToLive);
        Assert.True(host.Cache.TryGetFromMemory("hash-short", out _));
        host.Clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        Assert.True(host.Cache.TryGetFromMemory("hash-short", out _));
        host.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(host.Cache.TryGetFromMemory("hash-short", out _));
        Assert.False(host.SharedStore.Contains("hash-short"));
    }

    [Fact]
    public async Task An_entry_never_outlives_the_cache_lifetime()
    {
        using var host = AuthTestHost.Create();
        var now = host.Clock.GetUtcNow();
        var user = new AuthenticatedUser("user-1", "alice", "jti-long", "sid-1", now + TimeSpan.FromHours(1));

        await host.Cache.StoreAsync("hash-long", user, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(5), host.SharedStore.LastTimeToLive);
        host.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.True(host.Cache.TryGetFromMemory("hash-long", out _));
        host.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(host.Cache.TryGetFromMemory("hash-long", out _));
        Assert.False(host.SharedStore.Contains("hash-long"));
    }

    [Fact]
    public async Task A_configured_shorter_lifetime_is_honoured_and_an_expired_token_is_not_cached()
    {
        using var host = AuthTestHost.Create(new Dictionary<string, string?> { ["Auth:CacheLifetime"] = "00:00:30" });
        var now = host.Clock.GetUtcNow();

        await host.Cache.StoreAsync("h1", new AuthenticatedUser("u", "u", "j1", null, now + TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(30), host.SharedStore.LastTimeToLive);

        await host.Cache.StoreAsync("h2", new AuthenticatedUser("u", "u", "j2", null, now - TimeSpan.FromSeconds(1)), CancellationToken.None);
        Assert.False(host.Cache.TryGetFromMemory("h2", out _));
        Assert.False(host.SharedStore.Contains("h2"));
    }

    [Fact]
    public async Task A_revocation_drops_entries_by_jti_and_by_sid_and_nothing_else()
    {
        using var host = AuthTestHost.Create();
        var expires = host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15);
        await host.Cache.StoreAsync("a1", new AuthenticatedUser("u1", "alice", "jti-a1", "sid-a", expires), CancellationToken.None);
        await host.Cache.StoreAsync("a2", new AuthenticatedUser("u1", "alice", "jti-a2", "sid-a", expires), CancellationToken.None);
        await host.Cache.StoreAsync("b1", new AuthenticatedUser("u2", "bob", "jti-b1", "sid-b", expires), CancellationToken.None);
        await host.Cache.StoreAsync("c1", new AuthenticatedUser("u3", "carol", "jti-c1", null, expires), CancellationToken.None);

        Assert.Equal(1, host.Cache.Forget(new RevocationNotice("jti-b1", null, "u2", ExpiresAt: null)));
        Assert.False(host.Cache.TryGetFromMemory("b1", out _));

        Assert.Equal(2, host.Cache.Forget(new RevocationNotice(null, "sid-a", "u1", ExpiresAt: null)));
        Assert.False(host.Cache.TryGetFromMemory("a1", out _));
        Assert.False(host.Cache.TryGetFromMemory("a2", out _));

        Assert.True(host.Cache.TryGetFromMemory("c1", out _));
        Assert.Equal(0, host.Cache.Forget(new RevocationNotice("unknown", "unknown", null, ExpiresAt: null)));
    }

    [Fact]
    public async Task An_introspection_that_finishes_after_the_revocation_cannot_put_the_token_back()
    {
        using var host = AuthTestHost.Create();
        var user = new AuthenticatedUser("u1", "alice", "jti-late", "sid-late", host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15));

        host.Cache.Forget(new RevocationNotice("jti-late", null, "u1", ExpiresAt: null));
        await host.Cache.StoreAsync("late", user, CancellationToken.None);
        host.Cache.StoreInMemory("late", user);

        Assert.False(host.Cache.TryGetFromMemory("late", out _));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_from_the_shared_cache_through_the_denylist()
    {
        using var host = AuthTestHost.Create();
        var validator = host.Validator;
        var token = host.Token(new TokenSpec { TokenId = "jti-shared", SessionId = "sid-shared" });
        var hash = TokenValidationCache.HashOf(token);

        // Another replica validated it: only the shared store knows.
        host.SharedStore.Put(hash, new AuthenticatedUser("user-1", "alice", "jti-shared", "sid-shared", host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(5));
        var valid = Assert.IsType<TokenValidationResult.Valid>(await validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal("jti-shared", valid.User.TokenId);
        Assert.Equal(0, host.AuthService.IntrospectionCalls);

        // AuthService revoked the session; this replica missed the notice but the denylist is read with the cache.
        var second = host.Token(new TokenSpec { TokenId = "jti-shared-2", SessionId = "sid-shared" });
        host.SharedStore.Put(TokenValidationCache.HashOf(second), new AuthenticatedUser("user-1", "alice", "jti-shared-2", "sid-shared", host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(5));
        host.SharedStore.RevokedSessionIds["sid-shared"] = 0;
        var invalid = Assert.IsType<TokenValidationResult.Invalid>(await validator.ValidateAsync(second, CancellationToken.None));
        Assert.Equal("revoked", invalid.Reason);
        Assert.Equal(0, host.AuthService.IntrospectionCalls);
    }

    [Fact]
    public void The_cache_key_is_the_hex_sha256_of_the_token_never_the_token()
    {
        var hash = TokenValidationCache.HashOf("abc");
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
    }

    [Fact]
    public async Task The_memory_cache_stays_bounded()
    {
        using var host = AuthTestHost.Create(new Dictionary<string, string?> { ["Auth:MaxMemoryCacheEntries"] = "1000" });
        var cache = host.Services.GetRequiredService<TokenValidationCache>();
        var expires = host.Clock.GetUtcNow() + TimeSpan.FromMinutes(15);
        for (var i = 0; i < 1500; i++)
        {
            cache.StoreInMemory($"h{i}", new AuthenticatedUser("u", "u", $"j{i}", null, expires));
        }

        Assert.InRange(cache.MemoryCount, 1, 1000);
    }
}
