using ChatApi.Agents;
using ChatApi.Agents.Models;
using ChatApi.Agents.Tools;
using ChatApi.Extensions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Unit.Agents;

public sealed class AgentServiceExtensionsTests
{
    [Fact]
    public void Without_a_connection_string_the_local_model_runs_behind_function_invocation()
    {
        using var services = Build([]);
        var client = services.GetRequiredService<IChatClient>();

        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<LocalChatModel>());
        Assert.Equal(LocalChatModel.ModelId, client.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void With_an_openai_connection_string_the_endpoint_serves_the_model()
    {
        using var services = Build(new() { ["ConnectionStrings:openai"] = "Endpoint=http://127.0.0.1:9/v1;Model=small-model" });
        var client = services.GetRequiredService<IChatClient>();

        Assert.Null(client.GetService<LocalChatModel>());
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("small-model", metadata?.DefaultModelId);
        Assert.Equal("127.0.0.1", metadata?.ProviderUri?.Host);
    }

    [Theory]
    [InlineData("Endpoint=ftp://example/v1;Key=sk-very-secret;Model=m")]
    [InlineData("Endpoint=https://example/v1;Key=sk-very-secret")]
    [InlineData("Key=sk-very-secret;Model")]
    public void A_malformed_connection_string_stops_startup_without_repeating_the_key(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["ConnectionStrings:openai"] = connectionString }));
        Assert.DoesNotContain("sk-very-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_connection_never_prints_its_key() =>
        Assert.DoesNotContain("secret", OpenAIConnection.Parse("Endpoint=https://example/v1;Key=secret;Model=m").ToString(), StringComparison.Ordinal);

    [Fact]
    public void Options_are_validated()
    {
        using var services = Build(new() { ["Agent:MaxConcurrentRunsPerUser"] = "0" });
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AgentOptions>>().Value);
    }

    [Fact]
    public void The_wait_tool_exists_only_when_test_tools_are_enabled()
    {
        using (var services = Build([]))
        {
            Assert.DoesNotContain(services.GetServices<IAgentTool>(), tool => tool.Name == WaitTool.ToolName);
            Assert.Equal(["calculate", "current_time", "search_history"], services.GetServices<IAgentTool>().Select(tool => tool.Name));
        }

        using (var services = Build(new() { ["Agent:EnableTestTools"] = "true" }))
        {
            Assert.Contains(services.GetServices<IAgentTool>(), tool => tool.Name == WaitTool.ToolName);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.AddChatAgents();

        // The store-backed history needs chatdb; the last registration wins.
        builder.Services.AddSingleton<IRoomHistory, FakeRoomHistory>();
        return builder.Services.BuildServiceProvider();
    }
}
