using ChatApi.Tests.Distributed.Telemetry;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class ChatTelemetryTopology() : TelemetryCaptureTopology(chatApiReplicas: 2);

/// <summary>What ChatApi exports: a message's path as spans across replicas, and never a token.</summary>
public sealed class ChatTelemetryTests(ChatTelemetryTopology fixture) : IClassFixture<ChatTelemetryTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    private OtlpCapture Capture => fixture.Capture;

    [Fact]
    public async Task A_message_is_traced_from_receive_to_delivery_and_the_query_token_is_redacted()
    {
        var room = ChatFrames.NewRoom("traced");
        var alice = await TestUser.CreateAsync(Topology);
        var bob = await TestUser.CreateAsync(Topology);
        await using (var sending = await ChatSocket.ConnectAsync(Topology.ChatApi[0], alice.AccessToken, tokenInQuery: true))
        await using (var receiving = await ChatSocket.ConnectAsync(Topology.ChatApi[1], bob.AccessToken, tokenInQuery: true))
        {
            await sending.JoinAsync(room);
            await receiving.JoinAsync(room);
            await sending.SendAsync(new { type = "send", room, text = "traced", clientMsgId = "t-1" });
            await receiving.ReceiveUntilAsync("message");
        }

        foreach (var span in new[] { "chat.receive", "chat.persist", "chat.publish", "chat.deliver" })
        {
            Assert.True(await Capture.WaitForAsync(span, "/v1/traces", TimeSpan.FromSeconds(10)), $"no {span} span exported");
        }

        Assert.True(await Capture.WaitForAsync("access_token=Redacted", "/v1/traces", TimeSpan.FromSeconds(10)), "the /ws span should carry the redacted query");
        foreach (var token in new[] { alice.AccessToken, bob.AccessToken })
        {
            Assert.False(Capture.Contains(token.Split('.')[2]), "a token signature reached the exported telemetry");
        }
    }
}
