using System.Net.WebSockets;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class SlowConsumerTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new()
            {
                ["Chat__OutboundQueueCapacity"] = "16",
                ["Chat__MaxTextLength"] = "60000",
                ["Chat__SendRatePerSecond"] = "100000",
                ["Chat__SendBurst"] = "100000",
            },
        },
    };
}

/// <summary>A client that stops reading costs a bounded queue, then is closed with 1013; the room goes on.</summary>
public sealed class SlowConsumerTests(SlowConsumerTopology fixture) : IClassFixture<SlowConsumerTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_1013_and_the_others_keep_receiving()
    {
        var room = ChatFrames.NewRoom("slow");
        var talker = await TestUser.CreateAsync(Topology);
        var sleeper = await TestUser.CreateAsync(Topology);
        await using var talking = await ChatSocket.ConnectAsync(Topology.ChatApi[0], talker.AccessToken);
        await using var sleeping = await ChatSocket.ConnectAsync(Topology.ChatApi[0], sleeper.AccessToken);
        await talking.JoinAsync(room);
        await sleeping.JoinAsync(room);

        // ~30 MB the sleeping client never reads: far beyond its socket buffers plus the 16-frame queue.
        var text = new string('z', 60000);
        for (var i = 0; i < 500; i++)
        {
            await talking.SendAsync(new { type = "send", room, text, clientMsgId = $"z{i}" });
            await talking.ReceiveUntilAsync("ack", timeout: TimeSpan.FromSeconds(20));
        }

        // Waking up, it reads what had been buffered and then the close.
        Assert.Equal((WebSocketCloseStatus)1013, await sleeping.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
        await talking.SendAsync(new { type = "send", room, text = "after", clientMsgId = "after" });
        Assert.Equal("after", (await talking.ReceiveUntilAsync("message", frame => frame.ClientMsgId() == "after")).Frame.ClientMsgId());
    }
}
