using System.Diagnostics;
using System.Net;

namespace AuthService.Tests.Distributed;

/// <summary>Access tokens live one second and no clock skew is tolerated, so expiry can be watched.</summary>
public sealed class ShortLivedTokenTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 0,
        ServiceEnvironment =
        {
            ["authservice"] = new()
            {
                ["Auth__AccessTokenLifetime"] = "00:00:01",
                ["Auth__ClockSkew"] = "00:00:00",
            },
        },
    };
}

/// <summary>A genuine token stops being accepted when it expires; its session goes on through refresh.</summary>
public sealed class TokenExpiryTests(ShortLivedTokenTopology fixture) : IClassFixture<ShortLivedTokenTopology>, IDisposable
{
    private static readonly TimeSpan ExpiryBound = TimeSpan.FromSeconds(10);

    private readonly AuthClient _auth = new(fixture.Topology.AuthService);

    [Fact]
    public async Task An_expired_genuine_token_introspects_inactive_and_cannot_revoke()
    {
        var (_, tokens) = await _auth.SignUpAsync("expire");
        Assert.Equal(1, tokens.ExpiresIn);

        var stopwatch = Stopwatch.StartNew();
        while ((await _auth.IntrospectAsync(tokens.AccessToken)).Active)
        {
            Assert.True(stopwatch.Elapsed < ExpiryBound, "The token was still active long after it expired.");
            await Task.Delay(100);
        }

        using var revoke = await _auth.SendRevokeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);

        // The refresh token outlives the access token.
        var refreshed = await _auth.RefreshAsync(tokens.RefreshToken);
        Assert.True((await _auth.IntrospectAsync(refreshed.AccessToken)).Active);
    }

    public void Dispose() => _auth.Dispose();
}
