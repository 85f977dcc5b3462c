using System.Threading.Channels;
using ServiceDefaults.AuthPath;
using StackExchange.Redis;

namespace AuthService.Tests.Distributed;

/// <summary>
/// What ChatApi relies on: revocations are denylisted in Redis (<see cref="RevocationKeys"/>) with self-cleaning TTLs
/// and announced as a <see cref="RevocationNotice"/> (the wire format itself is pinned by
/// <c>Unit/RevocationWireFormatTests</c>).
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class RevocationNoticeTests(SharedTopologyFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan NoticeBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SessionDenylistTtl = TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30);

    private readonly AuthClient _auth = new(fixture.Topology.AuthService);
    private readonly Channel<string> _notices = Channel.CreateUnbounded<string>();
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Topology.CacheConnectionString);
        var subscription = await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RevocationNotice.Channel));
        subscription.OnMessage(message => _notices.Writer.TryWrite(message.Message.ToString()));
    }

    [Fact]
    public async Task Logout_denylists_the_token_and_its_session_and_announces_it()
    {
        var (user, tokens) = await _auth.SignUpAsync("notice");
        var claims = await _auth.IntrospectAsync(tokens.AccessToken);

        await _auth.RevokeAsync(tokens.AccessToken);

        var notice = await NextNoticeForAsync(claims.Sid!);
        Assert.Equal(claims.Jti, notice.TokenId);
        Assert.Equal(user.UserId.ToString(), notice.UserId);
        Assert.NotNull(notice.ExpiresAt);
        Assert.InRange(notice.ExpiresAt.Value, claims.Exp!.Value, DateTimeOffset.UtcNow.Add(SessionDenylistTtl).ToUnixTimeSeconds() + 1);

        var database = _redis.GetDatabase();
        var jtiTtl = await database.KeyTimeToLiveAsync(RevocationKeys.ForToken(claims.Jti!));
        var sidTtl = await database.KeyTimeToLiveAsync(RevocationKeys.ForSession(claims.Sid!));
        Assert.NotNull(jtiTtl);
        Assert.NotNull(sidTtl);
        Assert.InRange(jtiTtl.Value, TimeSpan.FromMinutes(14), SessionDenylistTtl);
        Assert.InRange(sidTtl.Value, SessionDenylistTtl - TimeSpan.FromSeconds(30), SessionDenylistTtl);
    }

    [Fact]
    public async Task Refresh_reuse_denylists_the_session_and_announces_it_without_a_jti()
    {
        var (user, tokens) = await _auth.SignUpAsync("reuse-notice");
        var sid = (await _auth.IntrospectAsync(tokens.AccessToken)).Sid!;
        await _auth.RefreshAsync(tokens.RefreshToken);

        using var reuse = await _auth.SendRefreshAsync(tokens.RefreshToken);

        var notice = await NextNoticeForAsync(sid);
        Assert.Null(notice.TokenId);
        Assert.Equal(user.UserId.ToString(), notice.UserId);
        Assert.NotNull(notice.ExpiresAt);
        Assert.True(await _redis.GetDatabase().KeyExistsAsync(RevocationKeys.ForSession(sid)));
    }

    private async Task<RevocationNotice> NextNoticeForAsync(string sid)
    {
        using var timeout = new CancellationTokenSource(NoticeBound);
        while (true)
        {
            var json = await _notices.Reader.ReadAsync(timeout.Token);
            var notice = RevocationNotice.FromJson(json);
            Assert.NotNull(notice);
            // Exactly what the shared record writes: nothing added, nothing left out.
            Assert.Equal(notice.ToJson(), json);
            if (notice.SessionId == sid)
            {
                return notice;
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _auth.Dispose();
    }
}
