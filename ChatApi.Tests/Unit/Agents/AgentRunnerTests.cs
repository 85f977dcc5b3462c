using System.Net.WebSockets;
using System.Text.Json;
using ChatApi.Agents;
using ChatApi.Agents.Tools;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ChatApi.Tests.Unit.Agents;

public sealed class AgentRunnerTests
{
    private static readonly string[] ToolRun = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

    [Fact]
    public async Task A_tool_run_sends_the_five_events_in_order_then_stores_the_answer()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what is 2 + 3 * 4?");
        var completed = await alice.WaitForAsync("agent_completed");
        await harness.IdleAsync();

        Assert.Equal(ToolRun, alice.Types);
        var frames = alice.Frames;
        var runId = frames[0].GetProperty("runId").GetString();
        Assert.All(frames, frame => Assert.Equal(runId, frame.GetProperty("runId").GetString()));
        Assert.All(frames, frame => Assert.Equal("general", frame.GetProperty("room").GetString()));
        Assert.Equal("what is 2 + 3 * 4?", frames[0].GetProperty("prompt").GetString());
        Assert.Equal("calculate", frames[2].GetProperty("tool").GetString());
        Assert.Equal("2 + 3 * 4", frames[2].GetProperty("input").GetProperty("expression").GetString());
        Assert.Equal(14, frames[3].GetProperty("output").GetProperty("value").GetDouble());
        Assert.False(frames[3].TryGetProperty("error", out _));

        var stored = Assert.Single(harness.Answers.Stored);
        Assert.Equal("2 + 3 * 4 = 14", completed.GetProperty("text").GetString());
        Assert.Equal(stored.Id, completed.GetProperty("messageId").GetInt64());
        Assert.Equal($"agent:{runId}", stored.ClientMsgId);
        Assert.Equal(("general", "assistant", "assistant", "2 + 3 * 4 = 14"), (stored.Room, stored.SenderId, stored.Sender, stored.Text));
        Assert.False(completed.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Type_comes_first_in_every_frame()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1");
        await alice.WaitForAsync("agent_completed");

        Assert.All(alice.Frames, frame => Assert.Equal("type", frame.EnumerateObject().First().Name));
    }

    [Fact]
    public async Task A_prompt_without_a_tool_is_answered_from_the_room()
    {
        using var harness = new AgentHarness();
        harness.History.Add("general", "bob", "the build is green");
        harness.History.Add("general", "carol", "ship it");
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what's going on?");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal(["agent_started", "agent_thinking", "agent_completed"], alice.Types);
        Assert.Equal(
            "The last 2 messages here came from 2 senders: bob (1), carol (1). The latest, #2 from carol: \"ship it\".",
            completed.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Search_history_reads_the_requesting_room_only()
    {
        using var harness = new AgentHarness();
        harness.History.Add("general", "bob", "deploy at noon");
        harness.History.Add("random", "eve", "deploy the cat pictures");
        harness.History.Add("general", "carol", "no more deploys on Friday");
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what did we say about deploy?");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal(ToolRun, alice.Types);
        var output = alice.Frames[3].GetProperty("output");
        Assert.Equal(2, output.GetProperty("count").GetInt32());
        Assert.Equal(["bob", "carol"], output.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("sender").GetString()));
        Assert.Equal(
            "2 messages mention \"deploy\":\n#1 bob: deploy at noon\n#3 carol: no more deploys on Friday",
            completed.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Asking_in_a_room_not_joined_is_an_error_and_starts_nothing()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1", room: "elsewhere");

        var error = Assert.Single(alice.Frames);
        Assert.Equal(("error", "not_joined", "agent"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
        Assert.Equal(0, harness.Runner.ActiveRuns);
    }

    [Fact]
    public async Task A_user_may_have_two_runs_at_once_a_third_is_busy()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();
        var aliceElsewhere = new FakeRequester("user-1", "alice");
        var bob = new FakeRequester("user-2", "bob");

        await harness.AskAsync(alice, "wait 10");
        await harness.AskAsync(aliceElsewhere, "wait 10");
        await alice.WaitForAsync("tool_executing");
        await aliceElsewhere.WaitForAsync("tool_executing");
        await harness.AskAsync(alice, "wait 10");
        await harness.AskAsync(bob, "1 + 1");

        var busy = await alice.WaitForAsync("error");
        Assert.Equal(("agent_busy", "agent"), (busy.GetProperty("code").GetString(), busy.GetProperty("ref").GetString()));
        Assert.Equal(1, alice.Types.Count(type => type == "agent_started"));
        Assert.Equal("1 + 1 = 2", (await bob.WaitForAsync("agent_completed")).GetProperty("text").GetString());

        await harness.AdvanceAsync(TimeSpan.FromSeconds(10), waits: 2);
        await alice.WaitForAsync("agent_completed");
        await aliceElsewhere.WaitForAsync("agent_completed");
        await harness.IdleAsync();

        // The slots are free again.
        await harness.AskAsync(alice, "2 + 2");
        Assert.Equal("2 + 2 = 4", (await alice.WaitForAsync("agent_completed", count: 2)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_node_limit_applies_to_all_users()
    {
        using var harness = new AgentHarness(new AgentOptions { MaxConcurrentRunsPerNode = 1 });
        var alice = new FakeRequester();
        var bob = new FakeRequester("user-2", "bob");

        await harness.AskAsync(alice, "wait 5");
        await harness.AskAsync(bob, "1 + 1");

        Assert.Equal("agent_busy", (await bob.WaitForAsync("error")).GetProperty("code").GetString());
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        await alice.WaitForAsync("agent_completed");
    }

    [Fact]
    public async Task A_run_that_outlives_its_time_out_ends_with_an_error()
    {
        using var harness = new AgentHarness(new AgentOptions { RunTimeout = TimeSpan.FromSeconds(30) });
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "wait 60");
        await harness.Timers.WaitForTimersAsync(TimeSpan.FromSeconds(60));
        harness.Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.DoesNotContain("agent_completed", alice.Types);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var completed = await alice.WaitForAsync("agent_completed");
        await harness.IdleAsync();

        Assert.Equal(ToolRun, alice.Types);
        Assert.Equal("cancelled", alice.Frames[3].GetProperty("error").GetString());
        Assert.Equal("timeout", completed.GetProperty("code").GetString());
        Assert.Equal("The assistant did not finish within 30 s.", completed.GetProperty("error").GetString());
        Assert.Empty(harness.Answers.Stored);
    }

    [Fact]
    public async Task Leaving_the_room_cancels_its_runs_with_cancelled()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester(rooms: ["general", "random"]);

        await harness.AskAsync(alice, "wait 60");
        await harness.AskAsync(alice, "wait 5", room: "random");
        await alice.WaitForAsync("tool_executing", count: 2);
        alice.Leave("general");
        harness.Runner.CancelRuns(alice, "general");

        var completed = await alice.WaitForAsync("agent_completed");
        Assert.Equal("general", completed.GetProperty("room").GetString());
        Assert.Equal(("cancelled", "cancelled"), (completed.GetProperty("error").GetString(), completed.GetProperty("code").GetString()));
        Assert.Equal(1, harness.Runner.ActiveRuns);

        // The run in the other room goes on.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        var other = await alice.WaitForAsync("agent_completed", count: 2);
        Assert.Equal(("random", "Waited 5 s."), (other.GetProperty("room").GetString(), other.GetProperty("text").GetString()));
        Assert.Equal("random", Assert.Single(harness.Answers.Stored).Room);
    }

    [Fact]
    public async Task A_disconnect_cancels_every_run_and_sends_nothing()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "wait 60");
        await harness.AskAsync(alice, "wait 60");
        await alice.WaitForAsync("tool_executing", count: 2);
        var before = alice.Frames.Count;
        alice.CloseStatus = WebSocketCloseStatus.EndpointUnavailable;
        harness.Runner.CancelRuns(alice, room: null);

        await harness.IdleAsync();
        Assert.Equal(before, alice.Frames.Count);
        Assert.Empty(harness.Answers.Stored);
    }

    [Fact]
    public async Task A_failing_tool_ends_the_run_with_its_error()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what is 7 / 0?");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal(ToolRun, alice.Types);
        var toolCompleted = alice.Frames[3];
        Assert.Equal("division by zero", toolCompleted.GetProperty("error").GetString());
        Assert.False(toolCompleted.TryGetProperty("output", out _));
        Assert.Equal("tool_failed", completed.GetProperty("code").GetString());
        Assert.Equal("calculate failed: division by zero", completed.GetProperty("error").GetString());
        Assert.False(completed.TryGetProperty("text", out _));
        Assert.Empty(harness.Answers.Stored);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_a_tool_failure()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what time is it in Mars/Olympus_Mons?");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal("tool_failed", completed.GetProperty("code").GetString());
        Assert.StartsWith("current_time failed: unknown time zone", completed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_crashing_tool_is_reported_without_its_exception()
    {
        var crashing = new FakeTool("calculate", _ => throw new InvalidOperationException("connection string with a password"));
        using var harness = new AgentHarness(tools: crashing);
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal("calculate failed: the tool failed unexpectedly", completed.GetProperty("error").GetString());
        Assert.DoesNotContain(alice.Frames, frame => frame.GetRawText().Contains("password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_model_ends_the_run_with_an_error()
    {
        using var harness = new AgentHarness(model: new FailingModel());
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1");
        var completed = await alice.WaitForAsync("agent_completed");
        await harness.IdleAsync();

        Assert.Equal(["agent_started", "agent_completed"], alice.Types);
        Assert.Equal("model_failed", completed.GetProperty("code").GetString());
        Assert.DoesNotContain("secret", completed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_cannot_be_stored_ends_with_an_error()
    {
        using var harness = new AgentHarness();
        harness.Answers.Unavailable = true;
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal("store_unavailable", completed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unreadable_room_ends_the_run_with_store_unavailable()
    {
        using var harness = new AgentHarness();
        harness.History.Unavailable = true;
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "hello");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal(["agent_started", "agent_completed"], alice.Types);
        Assert.Equal("store_unavailable", completed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Shutdown_ends_runs_in_flight_and_refuses_new_ones()
    {
        using var harness = new AgentHarness();
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "wait 60");
        await alice.WaitForAsync("tool_executing");
        await harness.Runner.StopAsync(CancellationToken.None);

        Assert.Equal("shutting_down", (await alice.WaitForAsync("agent_completed")).GetProperty("code").GetString());
        Assert.Equal(0, harness.Runner.ActiveRuns);

        await harness.AskAsync(alice, "1 + 1");
        Assert.Equal("shutting_down", (await alice.WaitForAsync("error")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_run_ends_with_exactly_one_agent_completed()
    {
        using var harness = new AgentHarness(new AgentOptions { MaxConcurrentRunsPerUser = 100 });
        var alice = new FakeRequester();
        string[] prompts = ["1 + 1", "7 / 0", "hello", "what time is it", "search for x", "calculate (", "what time is it in Nowhere/Land"];

        foreach (var prompt in prompts)
        {
            await harness.AskAsync(alice, prompt);
        }

        await alice.WaitForAsync("agent_completed", prompts.Length);
        await harness.IdleAsync();

        var byRun = alice.Frames.GroupBy(frame => frame.GetProperty("runId").GetString()).ToList();
        Assert.Equal(prompts.Length, byRun.Count);
        Assert.All(byRun, run =>
        {
            var types = run.Select(frame => frame.GetProperty("type").GetString()).ToList();
            Assert.Equal("agent_started", types[0]);
            Assert.Equal("agent_completed", types[^1]);
            Assert.Equal(1, types.Count(type => type == "agent_completed"));
        });
    }

    [Fact]
    public async Task Runs_and_tool_calls_are_counted_by_outcome()
    {
        using var harness = new AgentHarness();
        using var completed = new MetricCollector<long>(harness.Meters, AgentTelemetry.Name, "agent.runs.completed");
        using var tools = new MetricCollector<long>(harness.Meters, AgentTelemetry.Name, "agent.tool.calls");
        using var active = new MetricCollector<long>(harness.Meters, AgentTelemetry.Name, "agent.runs.active");
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "1 + 1");
        await harness.AskAsync(alice, "1 / 0");
        await alice.WaitForAsync("agent_completed", count: 2);
        await harness.IdleAsync();

        Assert.Equal(["success", "tool_failed"], completed.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).Order());
        Assert.Equal(
            [("calculate", "error"), ("calculate", "success")],
            tools.GetMeasurementSnapshot().Select(m => ((string)m.Tags["tool"]!, (string)m.Tags["outcome"]!)).Order());
        Assert.Equal(0, active.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public void Tool_errors_are_safe_to_show()
    {
        var error = Assert.Throws<AgentToolException>(() => CalculateTool.Calculate("(1"));
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, JsonSerializer.SerializeToElement(CalculateTool.Calculate("1"), ToolJsonContext.Default.Calculation).ValueKind);
    }
}
