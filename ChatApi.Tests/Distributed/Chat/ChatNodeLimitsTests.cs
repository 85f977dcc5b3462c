using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class NodeLimitsTopology : TopologyFixture
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new()
            {
                ["Chat__IdleTimeout"] = "00:00:02",
                ["Chat__MaxConnectionsPerNode"] = "3",
            },
        },
    };
}

/// <summary>Limits that belong to the node rather than to one client: its connection cap and idle sessions.</summary>
public sealed class ChatNodeLimitsTests(NodeLimitsTopology fixture) : IClassFixture<NodeLimitsTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task A_full_node_answers_429_with_retry_after_whoever_asks()
    {
        // Users first: the node's idle timeout is 2 s, and registering a user can take longer than that on a busy
        // machine, long enough for the first session to idle out and free its slot.
        var users = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await TestUser.CreateAsync(Topology));
        }

        var sockets = new List<ChatSocket>();
        try
        {
            foreach (var user in users.Take(3))
            {
                var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken);
                await socket.WelcomeAsync();
                sockets.Add(socket);
            }

            var newcomer = users[3];
            var (refused, status, headers) = await ChatSocket.TryConnectAsync(Topology.ChatApi[0], newcomer.AccessToken);

            Assert.Null(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.True(headers.ContainsKey("Retry-After"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_quiet_session_is_closed_with_1000_and_a_pinging_one_stays_open()
    {
        var quietUser = await TestUser.CreateAsync(Topology);
        var chattyUser = await TestUser.CreateAsync(Topology);
        // Earlier tests' sessions may still be releasing their slots on this three-slot node.
        await using var quiet = await ConnectWhenThereIsRoomAsync(quietUser);
        await using var chatty = await ConnectWhenThereIsRoomAsync(chattyUser);
        await quiet.WelcomeAsync();
        await chatty.WelcomeAsync();

        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < NodeLimitsTopology.IdleTimeout * 2)
        {
            await chatty.SendAsync(new { type = "ping", nonce = stopwatch.ElapsedMilliseconds });
            await chatty.ReceiveUntilAsync("pong");
            await Task.Delay(NodeLimitsTopology.IdleTimeout / 4);
        }

        // The check runs every quarter of the timeout: closed after 2 s of silence, and by 2.5 s at the latest.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await quiet.WaitForCloseAsync(TimeSpan.FromSeconds(1)));
        Assert.Contains("idle", quiet.CloseDescription, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(WebSocketState.Open, chatty.State);
    }

    private async Task<ChatSocket> ConnectWhenThereIsRoomAsync(TestUser user)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (socket, status, _) = await ChatSocket.TryConnectAsync(Topology.ChatApi[0], user.AccessToken);
            if (socket is not null)
            {
                return socket;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.True(attempt < 50, "the node never freed a slot");
            await Task.Delay(100);
        }
    }
}
