using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatBench;

/// <summary>One WebSocket session of the benchmark: sends on a schedule, reads everything, records latencies.</summary>
internal sealed class BenchClient(ClientWebSocket socket) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[256 * 1024];

    public static async Task<BenchClient> ConnectAsync(Uri chatApi, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        await socket.ConnectAsync(new UriBuilder(chatApi) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        var client = new BenchClient(socket);
        await client.ReceiveAsync(); // welcome
        return client;
    }

    public Task SendAsync(object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task<JsonElement?> ReceiveAsync()
    {
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(_buffer.AsMemory(count), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
        }
        while (!result.EndOfMessage);

        using var document = JsonDocument.Parse(_buffer.AsMemory(0, count));
        return document.RootElement.Clone();
    }

    public async Task JoinAsync(string room)
    {
        await SendAsync(new { type = "join", room });
        while (await ReceiveAsync() is { } frame && frame.GetProperty("type").GetString() != "joined")
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }

        socket.Dispose();
    }

    public static string Stamp(long timestamp, int padding) => $"{timestamp}|{new string('x', padding)}";

    public static long StampOf(string text) => long.Parse(text.AsSpan(0, text.IndexOf('|', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
