using System.Text.Json;
using Npgsql;

namespace ChatApi.Tests.Distributed.Agents;

/// <summary>Two ChatApi replicas with the test-only <c>wait</c> tool, so a run can be held open on purpose.</summary>
public sealed class AgentTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 2,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new() { ["Agent__EnableTestTools"] = "true" },
        },
    };
}

/// <summary>Agent runs with real clients, real PostgreSQL and Redis, on two replicas, with the local model.</summary>
public sealed class AgentDistributedTests(AgentTopology fixture) : IClassFixture<AgentTopology>
{
    private static readonly string[] AgentEvents = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task Only_the_requester_gets_the_run_events_in_order_and_every_member_gets_the_answer()
    {
        var room = NewRoom();
        await using var alice = await JoinAsync(0, room);
        await using var bob = await JoinAsync(1, room);

        await alice.SendAsync(new { type = "agent", room, prompt = "what is 2 + 3 * 4?" });
        var (completed, before) = await alice.ReceiveUntilAsync("agent_completed");

        var events = before.Where(IsAgentEvent).Append(completed).ToList();
        Assert.Equal(AgentEvents, events.Select(Type));
        var runId = events[0].GetProperty("runId").GetString();
        Assert.All(events, frame => Assert.Equal((runId, room), (frame.GetProperty("runId").GetString(), frame.GetProperty("room").GetString())));
        Assert.Equal("calculate", events[2].GetProperty("tool").GetString());
        Assert.Equal("2 + 3 * 4", events[2].GetProperty("input").GetProperty("expression").GetString());
        Assert.Equal(14, events[3].GetProperty("output").GetProperty("value").GetDouble());
        Assert.Equal("2 + 3 * 4 = 14", completed.GetProperty("text").GetString());
        var messageId = completed.GetProperty("messageId").GetInt64();

        // Both members see the stored answer as a message from the assistant; only alice saw the run. The message
        // travels through Redis, so alice may get it before or after agent_completed.
        bool IsAnswer(JsonElement frame) => Type(frame) == "message" && frame.GetProperty("id").GetInt64() == messageId;
        var aliceMessage = before.FirstOrDefault(IsAnswer) is { ValueKind: JsonValueKind.Object } early
            ? early
            : (await alice.ReceiveUntilAsync("message", IsAnswer)).Frame;
        var (bobMessage, bobBefore) = await bob.ReceiveUntilAsync("message", IsAnswer);
        Assert.DoesNotContain(bobBefore, IsAgentEvent);
        foreach (var message in new[] { aliceMessage, bobMessage })
        {
            Assert.Equal(("assistant", "assistant", "2 + 3 * 4 = 14", $"agent:{runId}"), (
                message.GetProperty("senderId").GetString(),
                message.GetProperty("sender").GetString(),
                message.GetProperty("text").GetString(),
                message.GetProperty("clientMsgId").GetString()));
        }

        // Nothing of the run reaches bob later either: a ping's pong comes after anything already queued for him.
        await bob.SendAsync(new { type = "ping", nonce = "after" });
        var (_, bobLater) = await bob.ReceiveUntilAsync("pong");
        Assert.DoesNotContain(bobLater, IsAgentEvent);
        Assert.Equal(1L, await CountAnswersAsync(runId!));
    }

    [Theory]
    [InlineData("what is 7 / 0?", "calculate failed: division by zero")]
    [InlineData("what time is it in Mars/Olympus_Mons?", "current_time failed: unknown time zone")]
    public async Task A_failing_tool_ends_the_run_with_an_error_and_stores_nothing(string prompt, string error)
    {
        var room = NewRoom();
        await using var alice = await JoinAsync(0, room);

        await alice.SendAsync(new { type = "agent", room, prompt });
        var (completed, before) = await alice.ReceiveUntilAsync("agent_completed");

        Assert.Equal(AgentEvents, before.Where(IsAgentEvent).Append(completed).Select(Type));
        Assert.True(before.Single(frame => Type(frame) == "tool_completed").TryGetProperty("error", out _));
        Assert.Equal("tool_failed", completed.GetProperty("code").GetString());
        Assert.StartsWith(error, completed.GetProperty("error").GetString());
        Assert.False(completed.TryGetProperty("text", out _));
        Assert.Equal(0L, await CountAnswersAsync(completed.GetProperty("runId").GetString()!));
    }

    [Fact]
    public async Task Disconnecting_mid_run_cancels_it()
    {
        var room = NewRoom();
        var alice = await JoinAsync(0, room);
        await alice.SendAsync(new { type = "agent", room, prompt = "wait 3" });
        var (executing, _) = await alice.ReceiveUntilAsync("tool_executing");
        var runId = executing.GetProperty("runId").GetString()!;

        await alice.DisposeAsync();

        // Had it gone on, the answer would be stored after 3 s.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(0L, await CountAnswersAsync(runId));
        await Topology.WaitForLogsAsync("chatapi-0", logs => logs.Contains($"Agent run {runId} ended: disconnected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Leaving_the_room_mid_run_ends_it_with_cancelled()
    {
        var room = NewRoom();
        await using var alice = await JoinAsync(1, room);
        await alice.SendAsync(new { type = "agent", room, prompt = "wait 20" });
        await alice.ReceiveUntilAsync("tool_executing");

        await alice.SendAsync(new { type = "leave", room });
        var (completed, _) = await alice.ReceiveUntilAsync("agent_completed", timeout: TimeSpan.FromSeconds(5));

        Assert.Equal(("cancelled", "cancelled"), (completed.GetProperty("error").GetString(), completed.GetProperty("code").GetString()));
        Assert.Equal(0L, await CountAnswersAsync(completed.GetProperty("runId").GetString()!));
    }

    [Fact]
    public async Task A_third_concurrent_run_of_a_user_is_refused_with_agent_busy()
    {
        var room = NewRoom();
        await using var alice = await JoinAsync(0, room);

        await alice.SendAsync(new { type = "agent", room, prompt = "wait 10" });
        await alice.SendAsync(new { type = "agent", room, prompt = "wait 10" });
        await alice.SendAsync(new { type = "agent", room, prompt = "what is 1 + 1" });
        var (error, before) = await alice.ReceiveUntilAsync("error");

        Assert.Equal(("agent_busy", "agent"), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        Assert.Equal(2, before.Count(frame => Type(frame) == "agent_started"));
        Assert.DoesNotContain(before, frame => Type(frame) == "agent_completed");
    }

    [Fact]
    public async Task Asking_in_a_room_not_joined_is_refused_with_not_joined()
    {
        var user = await TestUser.CreateAsync(Topology, "agent");
        await using var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken);
        await socket.WelcomeAsync();

        await socket.SendAsync(new { type = "agent", room = NewRoom(), prompt = "1 + 1" });
        var (error, _) = await socket.ReceiveUntilAsync("error");

        Assert.Equal(("not_joined", "agent"), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
    }

    private async Task<ChatSocket> JoinAsync(int replica, string room)
    {
        var user = await TestUser.CreateAsync(Topology, "agent");
        var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[replica], user.AccessToken);
        await socket.WelcomeAsync();
        await socket.JoinAsync(room);
        return socket;
    }

    private async Task<long> CountAnswersAsync(string runId)
    {
        await using var connection = new NpgsqlConnection(Topology.ChatDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM chat.messages WHERE sender_id = 'assistant' AND client_msg_id = $1", connection);
        command.Parameters.Add(new() { Value = $"agent:{runId}" });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string NewRoom() => $"agent-{Guid.NewGuid():N}"[..20];

    private static string Type(JsonElement frame) => frame.GetProperty("type").GetString()!;

    private static bool IsAgentEvent(JsonElement frame) => AgentEvents.Contains(Type(frame));
}
