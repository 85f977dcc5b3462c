using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Models;

/// <summary>
/// The built-in model: deterministic rules instead of a network call, yet a real <see cref="IChatClient"/> that goes
/// through function calling. On the first turn it plans (<see cref="LocalPlanner"/>): it answers with its reasoning
/// and a <see cref="FunctionCallContent"/>, or with its reasoning and an answer from the room's transcript. Given the
/// <see cref="FunctionResultContent"/>s of its calls it answers from them (<see cref="LocalAnswers"/>). Same inputs,
/// same outputs.
/// </summary>
public sealed class LocalChatModel : IChatClient
{
    public const string ModelId = "local-rules";

    private static readonly ChatClientMetadata Metadata = new("local", providerUri: null, ModelId);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var lastPrompt = LastIndexOf(history, ChatRole.User);
        var sincePrompt = history.Skip(lastPrompt + 1).SelectMany(message => message.Contents).ToList();
        var results = sincePrompt.OfType<FunctionResultContent>().ToList();

        ChatMessage reply;
        if (results.Count > 0)
        {
            var calls = sincePrompt.OfType<FunctionCallContent>().ToDictionary(call => call.CallId, call => call.Name, StringComparer.Ordinal);
            var answers = results.Select(result => LocalAnswers.FromToolResult(calls.GetValueOrDefault(result.CallId, "tool"), ToJson(result.Result)));
            reply = new ChatMessage(ChatRole.Assistant, string.Join("\n", answers));
        }
        else
        {
            var prompt = lastPrompt >= 0 ? history[lastPrompt].Text : string.Empty;
            var tools = options?.Tools?.OfType<AIFunctionDeclaration>().Select(tool => tool.Name).ToHashSet(StringComparer.Ordinal) ?? [];
            var plan = LocalPlanner.Plan(prompt, tools);
            if (plan.Tool is { } tool)
            {
                var callId = $"call_{sincePrompt.OfType<FunctionCallContent>().Count() + 1}";
                reply = new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(plan.Thinking), new FunctionCallContent(callId, tool, plan.Arguments.ToDictionary())]);
            }
            else
            {
                var transcript = AgentConversation.ReadTranscript(history);
                reply = new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(plan.Thinking), new TextContent(LocalAnswers.FromTranscript(transcript))]);
            }
        }

        return Task.FromResult(new ChatResponse(reply)
        {
            ModelId = ModelId,
            FinishReason = reply.Contents.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is not null
        ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // Nothing to release.
    }

    private static int LastIndexOf(IList<ChatMessage> history, ChatRole role)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonElement ToJson(object? result) => result switch
    {
        JsonElement element => element,
        null => JsonSerializer.SerializeToElement((string?)null, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))),
        _ => JsonSerializer.SerializeToElement(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };
}
