using System.Diagnostics;
using System.Net.WebSockets;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class ShortTokenTopology : TopologyFixture
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(4);

    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["authservice"] = new() { ["Auth__AccessTokenLifetime"] = "00:00:04" },
        },
    };
}

/// <summary>A session lives no longer than its token: it ends with 1008 at expiry and on revocation.</summary>
public sealed class ChatSessionLifetimeTests(ShortTokenTopology fixture) : IClassFixture<ShortTokenTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task The_session_ends_with_1008_when_the_token_expires()
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken);
        var expiresAt = (await socket.WelcomeAsync()).GetProperty("expiresAt").GetDateTimeOffset();

        var status = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Contains("expired", socket.CloseDescription, StringComparison.OrdinalIgnoreCase);
        // Not early: the server's clock and ours agree within a second on this machine.
        Assert.True(DateTimeOffset.UtcNow >= expiresAt.AddSeconds(-1), $"closed before expiry ({expiresAt:O})");
    }

    [Fact]
    public async Task The_session_ends_with_1008_soon_after_the_token_is_revoked()
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken);
        await socket.WelcomeAsync();

        var stopwatch = Stopwatch.StartNew();
        await user.RevokeAsync(Topology);
        var status = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Contains("revoked", socket.CloseDescription, StringComparison.OrdinalIgnoreCase);
        Assert.True(stopwatch.Elapsed < ShortTokenTopology.TokenLifetime, "closed by expiry, not by the revocation notice");
    }
}
