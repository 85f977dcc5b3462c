using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>
/// An OpenAI-compatible <c>/v1/chat/completions</c> on loopback that streams scripted turns (server-sent events, the
/// wire format of the real API): each request gets the next turn. Records every request body.
/// </summary>
internal sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<string>> _turns;

    private FakeOpenAIServer(WebApplication app, IEnumerable<Func<string>> turns)
    {
        _app = app;
        _turns = new ConcurrentQueue<Func<string>>(turns);
    }

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeOpenAIServer> StartAsync(params Func<string>[] turns)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app, turns);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri($"{address}/v1");
        return server;
    }

    /// <summary>A streamed turn: optional text, then optional tool calls (name, JSON arguments).</summary>
    public static Func<string> Turn(string? text, params (string Name, string Arguments)[] calls) => () =>
    {
        var events = new StringBuilder();
        if (text is not null)
        {
            events.Append(Chunk(new { role = "assistant", content = text }, finish: null));
        }

        for (var i = 0; i < calls.Length; i++)
        {
            var call = new { index = i, id = $"call_{i + 1}", type = "function", function = new { name = calls[i].Name, arguments = calls[i].Arguments } };
            events.Append(Chunk(new { tool_calls = new[] { call } }, finish: null));
        }

        events.Append(Chunk(new { }, finish: calls.Length > 0 ? "tool_calls" : "stop"));
        return events.Append("data: [DONE]\n\n").ToString();
    };

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Chunk(object delta, string? finish) =>
        "data: " + JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            created = 0,
            model = "fake-model",
            choices = new[] { new { index = 0, delta, finish_reason = finish } },
        }) + "\n\n";

    private async Task CompleteAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        Requests.Enqueue(body.RootElement.Clone());
        if (!_turns.TryDequeue(out var turn))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(turn());
    }
}
