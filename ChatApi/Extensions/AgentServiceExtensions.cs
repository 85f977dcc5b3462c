using System.ClientModel;
using ChatApi.Agents;
using ChatApi.Agents.Models;
using ChatApi.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace ChatApi.Extensions;

public static class AgentServiceExtensions
{
    /// <summary>
    /// Agent runs: the model (an OpenAI-compatible endpoint when <c>ConnectionStrings:openai</c> is set, otherwise the
    /// deterministic <see cref="LocalChatModel"/>) behind function invocation and OpenTelemetry, the tools, and the runner.
    /// </summary>
    public static IHostApplicationBuilder AddChatAgents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Parsed now so that a malformed connection string stops the service at startup, not at the first question.
        var openAI = builder.Configuration.GetConnectionString(OpenAIConnection.Name) is { Length: > 0 } connectionString
            ? OpenAIConnection.Parse(connectionString)
            : null;

        services.AddChatClient(provider => openAI is null ? new LocalChatModel() : CreateOpenAIClient(openAI))
            .Use((inner, provider) => new FunctionInvokingChatClient(inner, provider.GetService<ILoggerFactory>(), provider)
            {
                MaximumIterationsPerRequest = provider.GetRequiredService<IOptions<AgentOptions>>().Value.MaxToolRounds,
                // The model hears that a tool failed, never why: exception messages are not for it (nor the user).
                IncludeDetailedErrors = false,
            })
            .UseOpenTelemetry(sourceName: AgentTelemetry.Name);

        services.AddSingleton<IAgentTool, CalculateTool>();
        services.AddSingleton<IAgentTool, CurrentTimeTool>();
        services.AddSingleton<IAgentTool, SearchHistoryTool>();
        if (builder.Configuration.GetValue<bool>($"{AgentOptions.SectionName}:{nameof(AgentOptions.EnableTestTools)}"))
        {
            services.AddSingleton<IAgentTool, WaitTool>();
        }

        services.AddSingleton<AgentTelemetry>();
        services.AddSingleton<IRoomHistory, StoredRoomHistory>();
        services.AddSingleton<IAnswerStore, ChatAnswerStore>();
        services.AddSingleton<AgentRunner>();
        services.AddSingleton<IAgentRunner>(provider => provider.GetRequiredService<AgentRunner>());
        services.AddHostedService<AgentShutdown>();
        return builder;
    }

    private static IChatClient CreateOpenAIClient(OpenAIConnection connection)
    {
        var clientOptions = new OpenAIClientOptions();
        if (connection.Endpoint is not null)
        {
            clientOptions.Endpoint = connection.Endpoint;
        }

        // Local OpenAI-compatible servers take no key, but the client insists on one.
        var key = new ApiKeyCredential(connection.Key ?? "unused");
        return new OpenAIClient(key, clientOptions).GetChatClient(connection.Model).AsIChatClient();
    }
}
