using ChatApi.Auth;
using ChatApi.Tests.Unit;
using ChatApi.Tests.Unit.AuthPath;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServiceDefaults.AuthPath;
using StackExchange.Redis;

namespace ChatApi.Tests.Distributed.AuthPath;

/// <summary>The Redis parts against a real redis-server: one MGET for cache and denylist, and re-subscription after outages.</summary>
public sealed class RedisAuthPathTests
{
    private static readonly IOptions<ChatAuthOptions> AuthOptions = Options.Create(new ChatAuthOptions { RedisTimeout = TimeSpan.FromSeconds(1) });

    [Fact]
    public async Task The_shared_cache_and_the_denylist_are_read_together_with_ttls_and_an_outage_is_a_quick_unavailable()
    {
        await using var server = await StandaloneRedis.CreateAsync();
        await server.StartAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(ClientOptions(server));
        var store = new RedisDistributedTokenStore(redis, TimeProvider.System, AuthOptions, NullLogger<RedisDistributedTokenStore>.Instance);
        var user = new AuthenticatedUser("user-1", "alice", "jti-1", "sid-1", DateTimeOffset.UtcNow.AddMinutes(15));

        Assert.IsType<DistributedTokenLookup.Miss>(await store.LookupAsync("hash-1", "jti-1", "sid-1", CancellationToken.None));

        await store.StoreAsync("hash-1", user, TimeSpan.FromMinutes(2), CancellationToken.None);
        var hit = Assert.IsType<DistributedTokenLookup.Hit>(await store.LookupAsync("hash-1", "jti-1", "sid-1", CancellationToken.None));
        Assert.Equal(user, hit.User);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync("chat:tokens:hash-1");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(2));

        // AuthService's denylist keys, by jti and by sid, win over a cached entry.
        await redis.GetDatabase().StringSetAsync(RevocationKeys.ForToken("jti-1"), "1", TimeSpan.FromMinutes(1));
        Assert.IsType<DistributedTokenLookup.Revoked>(await store.LookupAsync("hash-1", "jti-1", "sid-1", CancellationToken.None));
        await redis.GetDatabase().KeyDeleteAsync(RevocationKeys.ForToken("jti-1"));
        await redis.GetDatabase().StringSetAsync(RevocationKeys.ForSession("sid-1"), "1", TimeSpan.FromMinutes(1));
        Assert.IsType<DistributedTokenLookup.Revoked>(await store.LookupAsync("hash-1", "jti-1", "sid-1", CancellationToken.None));
        Assert.IsType<DistributedTokenLookup.Hit>(await store.LookupAsync("hash-1", "jti-1", null, CancellationToken.None));

        await server.StopAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var started = DateTime.UtcNow;
        Assert.IsType<DistributedTokenLookup.Unavailable>(await store.LookupAsync("hash-1", "jti-1", "sid-1", CancellationToken.None));
        await store.StoreAsync("hash-2", user, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "an outage must not make validation wait.");
    }

    [Fact]
    public async Task The_listener_subscribes_once_and_survives_a_redis_outage_even_one_at_start_up()
    {
        await using var server = await StandaloneRedis.CreateAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var meters = new TestMeterFactory();
        var cache = new TokenValidationCache(new InMemoryDistributedTokenStore(clock), clock, Options.Create(new ChatAuthOptions()), new AuthTelemetry(meters));
        var observer = new CountingObserver();

        // Redis is down when ChatApi starts.
        using var redis = await ConnectionMultiplexer.ConnectAsync(ClientOptions(server));
        Assert.False(redis.IsConnected);
        using var listener = new RevocationListener(redis, cache, [observer], NullLogger<RevocationListener>.Instance);
        await listener.StartAsync(CancellationToken.None);

        await server.StartAsync();
        await PublishUntilSeenAsync(server, observer, "jti-after-start");

        // An outage while running: the multiplexer re-subscribes on reconnect.
        await server.StopAsync();
        await Task.Delay(500);
        await server.StartAsync();
        await PublishUntilSeenAsync(server, observer, "jti-after-outage");

        // Each notice handled once: the handler was not registered twice.
        await Task.Delay(300);
        Assert.Equal(1, observer.Count("jti-after-start"));
        Assert.Equal(1, observer.Count("jti-after-outage"));

        await listener.StopAsync(CancellationToken.None);
    }

    private static string ClientOptions(StandaloneRedis server) =>
        $"{server.ConnectionString},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000,connectRetry=1";

    private static async Task PublishUntilSeenAsync(StandaloneRedis server, CountingObserver observer, string tokenId)
    {
        using var publisher = await ConnectionMultiplexer.ConnectAsync(ClientOptions(server));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (observer.Count(tokenId) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"notice {tokenId} never arrived.");
            if (publisher.IsConnected)
            {
                // AuthService publishes once; the test repeats only until the subscription is back, then stops.
                var receivers = await publisher.GetSubscriber().PublishAsync(RevocationListener.Channel, new RevocationNotice(tokenId, null, "u", 0).ToJson());
                if (receivers > 0)
                {
                    var seenBy = DateTime.UtcNow + TimeSpan.FromSeconds(5);
                    while (observer.Count(tokenId) == 0 && DateTime.UtcNow < seenBy)
                    {
                        await Task.Delay(20);
                    }

                    continue;
                }
            }

            await Task.Delay(100);
        }
    }

    private sealed class CountingObserver : IRevocationObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

        public int Count(string tokenId) => _counts.GetValueOrDefault(tokenId);

        public void OnRevoked(RevocationNotice notice) => _counts.AddOrUpdate(notice.TokenId ?? "", 1, (_, count) => count + 1);
    }
}
