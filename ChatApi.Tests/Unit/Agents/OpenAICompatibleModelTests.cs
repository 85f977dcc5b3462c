using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>The runner with Microsoft.Extensions.AI.OpenAI against an OpenAI-compatible endpoint (a local fake).</summary>
public sealed class OpenAICompatibleModelTests
{
    [Fact]
    public async Task Text_before_a_tool_call_is_thinking_the_tool_goes_round_and_the_last_text_is_the_answer()
    {
        await using var server = await FakeOpenAIServer.StartAsync(
            FakeOpenAIServer.Turn("Let me compute that.", ("calculate", """{"expression":"6*7"}""")),
            FakeOpenAIServer.Turn("The answer is 42."));
        using var harness = new AgentHarness(model: Model(server));
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "what is six times seven?");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal(["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"], alice.Types);
        Assert.Equal("Let me compute that.", alice.Frames[1].GetProperty("text").GetString());
        Assert.Equal("6*7", alice.Frames[2].GetProperty("input").GetProperty("expression").GetString());
        Assert.Equal(42, alice.Frames[3].GetProperty("output").GetProperty("value").GetDouble());
        Assert.Equal("The answer is 42.", completed.GetProperty("text").GetString());
        Assert.Equal("The answer is 42.", Assert.Single(harness.Answers.Stored).Text);

        // The model was offered the tools, and was sent the tool's result on the second turn.
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Contains(requests[0].GetProperty("tools").EnumerateArray(), tool => tool.GetProperty("function").GetProperty("name").GetString() == "calculate");
        var toolMessage = requests[1].GetProperty("messages").EnumerateArray().Single(message => message.GetProperty("role").GetString() == "tool");
        Assert.Contains("42", toolMessage.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_fails_ends_the_run_with_model_failed()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var harness = new AgentHarness(model: Model(server));
        var alice = new FakeRequester();

        await harness.AskAsync(alice, "hello");
        var completed = await alice.WaitForAsync("agent_completed");

        Assert.Equal("model_failed", completed.GetProperty("code").GetString());
    }

    private static IChatClient Model(FakeOpenAIServer server) =>
        new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = server.Endpoint, NetworkTimeout = TimeSpan.FromSeconds(5), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) })
            .GetChatClient("fake-model")
            .AsIChatClient();
}
