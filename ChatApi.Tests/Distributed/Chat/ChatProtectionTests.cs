using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class ChatProtectionTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new()
            {
                ["Chat__MaxConnectionsPerUser"] = "2",
                ["Chat__AllowedOrigins__0"] = "https://chat.example.com",
                // Everything a service logs, at every level, is searched for leaked tokens.
                ["Logging__LogLevel__Default"] = "Debug",
            },
        },
    };
}

/// <summary>Each bad input gets the contract's answer, and the node keeps serving everyone else.</summary>
public sealed class ChatProtectionTests(ChatProtectionTopology fixture) : IClassFixture<ChatProtectionTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    private Uri ChatApi => Topology.ChatApi[0];

    [Theory]
    [InlineData("oversize", WebSocketCloseStatus.MessageTooBig)]
    [InlineData("invalid-utf8", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("binary", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("not-json", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("unknown-type", WebSocketCloseStatus.PolicyViolation)]
    [InlineData("flood", WebSocketCloseStatus.PolicyViolation)]
    public async Task A_protocol_violation_closes_that_session_with_its_code_and_others_keep_chatting(string violation, WebSocketCloseStatus expected)
    {
        var room = ChatFrames.NewRoom();
        var bystanderUser = await TestUser.CreateAsync(Topology);
        await using var bystander = await ChatSocket.ConnectAsync(ChatApi, bystanderUser.AccessToken);
        await bystander.JoinAsync(room);
        var offender = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, offender.AccessToken);
        await socket.WelcomeAsync();

        switch (violation)
        {
            case "oversize":
                await socket.SendTextAsync($$"""{"type":"ping","nonce":"{{new string('x', 64 * 1024)}}"}""");
                break;
            case "invalid-utf8":
                await socket.SendRawAsync([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], WebSocketMessageType.Text);
                break;
            case "binary":
                await socket.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Binary);
                break;
            case "not-json":
                await socket.SendTextAsync("hello there");
                break;
            case "unknown-type":
                await socket.SendAsync(new { type = "shout", room });
                break;
            case "flood":
                for (var i = 0; i < 120 && socket.State == WebSocketState.Open; i++)
                {
                    await socket.SendAsync(new { type = "ping", nonce = i });
                }

                break;
        }

        Assert.Equal(expected, await socket.WaitForCloseAsync());

        await bystander.SendAsync(new { type = "send", room, text = "still fine", clientMsgId = $"ok-{violation}" });
        Assert.Equal($"ok-{violation}", (await bystander.ReceiveUntilAsync("ack")).Frame.ClientMsgId());
    }

    [Fact]
    public async Task A_message_of_exactly_the_size_limit_is_accepted()
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await socket.WelcomeAsync();
        var envelope = """{"type":"ping","nonce":""}""";
        var payload = $$"""{"type":"ping","nonce":"{{new string('x', (64 * 1024) - envelope.Length)}}"}""";
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(payload));

        await socket.SendTextAsync(payload);

        Assert.Equal("pong", (await socket.ReceiveUntilAsync("pong")).Frame.Type());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-jwt", HttpStatusCode.Unauthorized)]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.", HttpStatusCode.Unauthorized)]
    public async Task A_missing_or_invalid_token_is_refused_with_401_before_the_upgrade(string? token, HttpStatusCode expected)
    {
        var (socket, status, headers) = await ChatSocket.TryConnectAsync(ChatApi, token);

        Assert.Null(socket);
        Assert.Equal(expected, status);
        Assert.Contains("Bearer", string.Join(",", headers["WWW-Authenticate"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_and_an_allowed_one_is_let_in()
    {
        var user = await TestUser.CreateAsync(Topology);

        var (refused, status, _) = await ChatSocket.TryConnectAsync(ChatApi, user.AccessToken, origin: "https://evil.example.com");
        await using var allowed = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken, origin: "https://chat.example.com");

        Assert.Null(refused);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("welcome", (await allowed.WelcomeAsync()).Type());
    }

    [Fact]
    public async Task The_per_user_connection_cap_answers_429_and_frees_up_when_a_session_ends()
    {
        var user = await TestUser.CreateAsync(Topology);
        var first = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await using var second = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken);
        await first.WelcomeAsync();
        await second.WelcomeAsync();

        var (third, status, _) = await ChatSocket.TryConnectAsync(ChatApi, user.AccessToken);
        await first.DisposeAsync();
        var (fourth, _, _) = await RetryAsync(() => ChatSocket.TryConnectAsync(ChatApi, user.AccessToken));
        var otherUser = await TestUser.CreateAsync(Topology);
        await using var other = await ChatSocket.ConnectAsync(ChatApi, otherUser.AccessToken);

        Assert.Null(third);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.NotNull(fourth);
        await fourth.DisposeAsync();
        Assert.Equal("welcome", (await other.WelcomeAsync()).Type());
    }

    [Fact]
    public async Task A_token_in_the_query_string_works_and_never_reaches_the_logs()
    {
        var user = await TestUser.CreateAsync(Topology);
        var room = ChatFrames.NewRoom();
        await using (var socket = await ChatSocket.ConnectAsync(ChatApi, user.AccessToken, tokenInQuery: true))
        {
            await socket.JoinAsync(room);
            await socket.SendAsync(new { type = "send", room, text = "hi", clientMsgId = "q-1" });
            await socket.ReceiveUntilAsync("ack");
        }

        var (_, status, _) = await ChatSocket.TryConnectAsync(ChatApi, user.AccessToken + "x", tokenInQuery: true);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // Everything was logged at Debug; neither the token nor its signature may appear anywhere.
        var signature = user.AccessToken.Split('.')[2];
        foreach (var resource in new[] { "chatapi-0", "authservice" })
        {
            var logs = Topology.LogsOf(resource);
            Assert.NotEmpty(logs);
            Assert.DoesNotContain(signature, logs, StringComparison.Ordinal);
        }
    }

    /// <summary>The slot of a closed session is released when the server has finished with it, a moment after the client.</summary>
    private static async Task<(ChatSocket? Socket, HttpStatusCode Status, IReadOnlyDictionary<string, IEnumerable<string>> Headers)> RetryAsync(
        Func<Task<(ChatSocket?, HttpStatusCode, IReadOnlyDictionary<string, IEnumerable<string>>)>> connect)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await connect();
            if (result.Item1 is not null || attempt == 50)
            {
                return result;
            }

            await Task.Delay(100);
        }
    }
}
