using System.Diagnostics;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ChatApi.Protocol;
using ChatApi.Tests.Distributed.Telemetry;
using ChatApi.Tests.Hostile;
using CsCheck;
using Xunit.Abstractions;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class HostileSessionTopology() : TelemetryCaptureTopology(chatApiReplicas: 1);

/// <summary>
/// Issue 14 against a live node: whatever a client sends, it gets an <c>error</c> frame or a close with 1007, 1008 or
/// 1009 (never a reset, never 1011), the other users on the node go on chatting, and when its session ends its room
/// memberships go with it (<c>chat.room.memberships</c>, exported to the test's collector, returns to where it was).
/// </summary>
public sealed class HostileSessionTests(HostileSessionTopology fixture, ITestOutputHelper output) : IClassFixture<HostileSessionTopology>
{
    private const string Memberships = "chat.room.memberships";
    private const int Sessions = 60;
    private static readonly TimeSpan MetricBound = TimeSpan.FromSeconds(20);
    private static readonly WebSocketCloseStatus[] ContractCloses =
        [WebSocketCloseStatus.InvalidPayloadData, WebSocketCloseStatus.PolicyViolation, WebSocketCloseStatus.MessageTooBig];

    private static readonly HashSet<string> AnswerTypes =
        ["joined", "history", "ack", "message", "error", "pong", "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

    private static readonly HashSet<string> StableCodes =
        [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetValue(null)!)];

    private DistributedTopology Topology => fixture.Topology;

    private Uri ChatApi => Topology.ChatApi[0];

    [Fact]
    public async Task Generated_hostile_sessions_get_errors_or_contract_closes_while_a_bystander_chats_and_no_membership_leaks()
    {
        var room = ChatFrames.NewRoom("hostile");
        var bystanderUser = await TestUser.CreateAsync(Topology);
        await using var bystander = await ChatSocket.ConnectAsync(ChatApi, bystanderUser.AccessToken);
        await bystander.JoinAsync(room);
        await AssertMembershipsReachAsync(1);
        var hostile = await TestUser.CreateAsync(Topology);
        // The hostile sessions' valid frames name these rooms (the bystander's among them), so they have memberships to leak.
        string[] rooms = [room, ChatFrames.NewRoom("hx"), ChatFrames.NewRoom("hx")];
        var closes = new Dictionary<string, int>();
        var errors = new Dictionary<string, int>();
        var sessions = 0;

        await HostileMessage.Any(Gen.OneOf(rooms)).Array[1, 12].SampleAsync(
            async messages =>
            {
                var ended = await RunHostileSessionAsync(hostile, rooms, messages, errors);
                closes[ended] = closes.GetValueOrDefault(ended) + 1;
                await AssertStillChattingAsync(bystander, bystanderUser, room, $"by-{++sessions}");
            },
            writeLine: output.WriteLine,
            iter: Sessions,
            threads: 1,
            print: messages => string.Join("\n", messages.Select(message => message.ToString())));

        output.WriteLine($"{sessions} hostile sessions ended: {string.Join(", ", closes.Select(pair => $"{pair.Key} x{pair.Value}"))}");
        output.WriteLine($"error frames: {string.Join(", ", errors.Select(pair => $"{pair.Key} x{pair.Value}"))}");
        await AssertMembershipsReachAsync(1);
        var failures = Topology.ApplicationFailures("chatapi-0");
        Assert.True(failures.Count == 0, $"ChatApi logged {failures.Count} failures:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task A_nul_in_a_send_is_refused_and_never_fails_another_users_concurrent_sends()
    {
        var room = ChatFrames.NewRoom("nul");
        var alice = await TestUser.CreateAsync(Topology);
        var mallory = await TestUser.CreateAsync(Topology);
        await using var sender = await ChatSocket.ConnectAsync(ChatApi, alice.AccessToken);
        await using var hostile = await ChatSocket.ConnectAsync(ChatApi, mallory.AccessToken);
        await sender.JoinAsync(room);
        await hostile.JoinAsync(room);

        // Interleaved so that the NULs would share persistence batches with Alice's sends (the issue saw 44 of 50 fail).
        for (var i = 0; i < 40; i++)
        {
            await sender.SendAsync(new { type = "send", room, text = $"fine {i}", clientMsgId = $"a-{i}" });
            if (i % 4 == 0)
            {
                await hostile.SendAsync(new { type = "send", room, text = "bad\0text", clientMsgId = $"m-{i}" });
                await hostile.SendAsync(new { type = "send", room, text = "bad id", clientMsgId = $"m-\0{i}" });
            }
        }

        var answers = new List<JsonElement>();
        while (answers.Count < 40)
        {
            var (frame, _) = await sender.ReceiveUntilAsync("ack", timeout: TimeSpan.FromSeconds(20));
            answers.Add(frame);
        }

        var refusals = new List<string>();
        while (refusals.Count < 20)
        {
            refusals.Add((await hostile.ReceiveUntilAsync("error")).Frame.GetProperty("code").GetString()!);
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"a-{i}").Order(), answers.Select(ack => ack.ClientMsgId()!).Order());
        Assert.Equal(10, refusals.Count(code => code == ErrorCodes.InvalidCharacters));
        Assert.Equal(10, refusals.Count(code => code == ErrorCodes.InvalidClientMsgId));
    }

    [Fact]
    public async Task A_message_fragmented_forever_is_closed_with_1009_once_it_passes_the_limit()
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await socket.WelcomeAsync();

        // 17 fragments of 4 KiB pass the 64 KiB limit; the message never ends. The idle timeout is 5 minutes.
        for (var i = 0; i < 17; i++)
        {
            await socket.SendFragmentAsync(new byte[4096], WebSocketMessageType.Text, endOfMessage: false);
        }

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await socket.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Invalid_utf8_followed_by_more_frames_is_closed_with_1007(bool fragmented)
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await socket.WelcomeAsync();
        byte[] invalid = [.. Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"nonce\":\"\u00e9"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];

        if (fragmented)
        {
            // The bad sequence split across two fragments.
            await socket.SendFragmentAsync(invalid[..^3], WebSocketMessageType.Text, endOfMessage: false);
            await socket.SendFragmentAsync(invalid[^3..], WebSocketMessageType.Text, endOfMessage: true);
        }
        else
        {
            await socket.SendRawAsync(invalid, WebSocketMessageType.Text);
        }

        // A client that pipelines does not wait for answers: frames after the bad one keep coming for 300 ms (paced,
        // not a wait for anything). A server that drops the connection with them unread resets it, and the reset
        // destroys the 1007 before the client reads it; the server keeps the connection 2 s, a margin for a slow machine.
        var sending = Stopwatch.StartNew();
        for (var i = 0; sending.Elapsed < TimeSpan.FromMilliseconds(300); i++)
        {
            await socket.SendAsync(new { type = "ping", nonce = i });
            await Task.Delay(10);
        }

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await socket.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_client_msg_id_reused_in_another_room_is_refused_and_the_first_message_stands()
    {
        var (first, second) = (ChatFrames.NewRoom("reuse"), ChatFrames.NewRoom("reuse"));
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await socket.JoinAsync(first);
        await socket.JoinAsync(second);

        await socket.SendAsync(new { type = "send", room = first, text = "one", clientMsgId = "same" });
        var stored = (await socket.ReceiveUntilAsync("ack")).Frame.Id();
        await socket.SendAsync(new { type = "send", room = second, text = "two", clientMsgId = "same" });
        var refused = (await socket.ReceiveUntilAsync("error")).Frame;
        await socket.SendAsync(new { type = "send", room = first, text = "one", clientMsgId = "same" });
        var resent = (await socket.ReceiveUntilAsync("ack")).Frame.Id();
        await socket.SendAsync(new { type = "history", room = second });
        var history = (await socket.ReceiveUntilAsync("history")).Frame;

        Assert.Equal(ErrorCodes.ClientMsgIdReused, refused.GetProperty("code").GetString());
        Assert.Equal("same", refused.GetProperty("ref").GetString());
        Assert.Equal(stored, resent);
        Assert.Empty(history.Messages());
    }

    /// <summary>
    /// One hostile session: joins <paramref name="rooms"/>, sends <paramref name="messages"/> without waiting (as a
    /// pipelining client does), then a ping; every answer up to its pong must be a protocol frame, and a close must be
    /// one of the contract's. Returns how it ended, and counts the error codes it got in <paramref name="errors"/>.
    /// </summary>
    private async Task<string> RunHostileSessionAsync(TestUser hostile, string[] rooms, HostileMessage[] messages, Dictionary<string, int> errors)
    {
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, hostile.AccessToken);
        await socket.WelcomeAsync();
        foreach (var room in rooms)
        {
            await socket.JoinAsync(room);
        }

        try
        {
            foreach (var message in messages)
            {
                if (message.Endless)
                {
                    for (var offset = 0; offset < message.Payload.Length; offset += 4096)
                    {
                        await socket.SendFragmentAsync(message.Payload[offset..Math.Min(offset + 4096, message.Payload.Length)], message.Type, endOfMessage: false);
                    }

                    break;
                }

                await socket.SendRawAsync(message.Payload, message.Type);
            }

            if (!messages.Any(message => message.Endless))
            {
                await socket.SendAsync(new { type = "ping", nonce = "end" });
            }
        }
        catch (WebSocketException)
        {
            // The server has closed and gone: what the client can still read is checked below.
        }

        while (true)
        {
            JsonElement? frame;
            try
            {
                frame = await socket.ReceiveAsync();
            }
            catch (WebSocketException exception)
            {
                Assert.Fail($"the session was reset instead of closed: {exception.Message}");
                throw;
            }

            if (frame is not { } answer)
            {
                Assert.True(ContractCloses.Contains(socket.CloseStatus!.Value), $"closed with {socket.CloseStatus} ({socket.CloseDescription})");
                return $"{(int)socket.CloseStatus!.Value}";
            }

            Assert.Contains(answer.Type(), AnswerTypes);
            if (answer.Type() == "error")
            {
                var code = answer.GetProperty("code").GetString()!;
                Assert.Contains(code, StableCodes);
                errors[code] = errors.GetValueOrDefault(code) + 1;
            }

            if (answer.Type() == "pong" && answer.TryGetProperty("nonce", out var nonce) && nonce.ValueKind == JsonValueKind.String && nonce.GetString() == "end")
            {
                return "open";
            }
        }
    }

    /// <summary>The bystander's send is acknowledged and delivered back to it, as if nothing happened.</summary>
    private static async Task AssertStillChattingAsync(ChatSocket bystander, TestUser user, string room, string clientMsgId)
    {
        await bystander.SendAsync(new { type = "send", room, text = "still here", clientMsgId });
        var (_, before) = await bystander.ReceiveUntilAsync("ack", frame => frame.ClientMsgId() == clientMsgId);
        bool Mine(JsonElement frame) => frame.Type() == "message" && frame.ClientMsgId() == clientMsgId && frame.GetProperty("senderId").GetString() == user.UserId;
        if (!before.Any(Mine))
        {
            await bystander.ReceiveUntilAsync("message", Mine);
        }
    }

    /// <summary>Waits until a value of <c>chat.room.memberships</c> exported after this call equals <paramref name="expected"/>.</summary>
    private async Task AssertMembershipsReachAsync(double expected)
    {
        var notBefore = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var deadline = DateTime.UtcNow + MetricBound;
        double? latest;
        while ((latest = fixture.Capture.LatestMetric("chatapi", Memberships, notBefore)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(latest == expected, $"{Memberships} is {latest?.ToString() ?? "not exported"}, expected {expected}");
    }
}
