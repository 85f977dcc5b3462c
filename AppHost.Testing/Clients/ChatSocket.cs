using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AppHost.Testing.Clients;

/// <summary>
/// A real WebSocket client for the chat protocol. Frames are read on demand (a test that stops reading makes a
/// slow consumer); every read has a deadline so a missing frame fails the test instead of hanging it.
/// </summary>
public sealed class ChatSocket : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[1024 * 1024];

    private ChatSocket(ClientWebSocket socket, Uri endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public WebSocketState State => _socket.State;

    /// <summary>The close status the server sent, once the session is over.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public static async Task<ChatSocket> ConnectAsync(Uri chatApi, string token, bool tokenInQuery = false, string? origin = null)
    {
        var (socket, status, _) = await TryConnectAsync(chatApi, token, tokenInQuery, origin);
        return socket ?? throw new InvalidOperationException($"The upgrade was refused with {(int)status}.");
    }

    /// <summary>Connects, or reports the plain-HTTP status (and headers) the server refused the upgrade with.</summary>
    public static async Task<(ChatSocket? Socket, HttpStatusCode Status, IReadOnlyDictionary<string, IEnumerable<string>> Headers)> TryConnectAsync(
        Uri chatApi, string? token, bool tokenInQuery = false, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (token is not null && !tokenInQuery)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var endpoint = new UriBuilder(chatApi)
        {
            Scheme = chatApi.Scheme == "https" ? "wss" : "ws",
            Path = "/ws",
            Query = token is not null && tokenInQuery ? $"access_token={Uri.EscapeDataString(token)}" : string.Empty,
        }.Uri;

        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return (new ChatSocket(socket, chatApi), socket.HttpStatusCode, Headers(socket));
        }
        catch (WebSocketException) when (socket.HttpStatusCode != 0)
        {
            var refused = (socket.HttpStatusCode, Headers(socket));
            socket.Dispose();
            return (null, refused.HttpStatusCode, refused.Item2);
        }
    }

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] payload, WebSocketMessageType type) => SendFragmentAsync(payload, type, endOfMessage: true);

    /// <summary>One frame of a message; with <paramref name="endOfMessage"/> false the message goes on in the next one.</summary>
    public async Task SendFragmentAsync(byte[] payload, WebSocketMessageType type, bool endOfMessage)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(payload, type, endOfMessage, timeout.Token);
    }

    /// <summary>The next frame; null when the server closed the session instead.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            if (count == _buffer.Length)
            {
                throw new InvalidOperationException("Frame too large for the test client.");
            }

            result = await _socket.ReceiveAsync(new ArraySegment<byte>(_buffer, count, _buffer.Length - count), deadline.Token);
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

    /// <summary>Reads until a frame of <paramref name="type"/> (and matching <paramref name="where"/>) arrives; returns it and what came before.</summary>
    public async Task<(JsonElement Frame, List<JsonElement> Before)> ReceiveUntilAsync(string type, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var before = new List<JsonElement>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var frame = await ReceiveAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1))
                ?? throw new InvalidOperationException($"Closed with {CloseStatus} ({CloseDescription}) while waiting for '{type}'; got: {string.Join(", ", before.Select(f => f.GetProperty("type").GetString()))}");
            if (frame.GetProperty("type").GetString() == type && (where is null || where(frame)))
            {
                return (frame, before);
            }

            before.Add(frame);
        }
    }

    /// <summary>Reads (and discards) frames until the server's close arrives; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        try
        {
            while (await ReceiveAsync(deadline - DateTime.UtcNow) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            // Cut off without a close frame: CloseStatus stays null.
        }

        return CloseStatus;
    }

    /// <summary>Joins and returns the joined frame.</summary>
    public async Task<JsonElement> JoinAsync(string room, long? since = null)
    {
        await SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since });
        return (await ReceiveUntilAsync("joined", frame => frame.GetProperty("room").GetString() == room)).Frame;
    }

    /// <summary>Reads frames until the welcome frame (the first frame of every session).</summary>
    public async Task<JsonElement> WelcomeAsync() => (await ReceiveUntilAsync("welcome")).Frame;

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
    }

    private static IReadOnlyDictionary<string, IEnumerable<string>> Headers(ClientWebSocket socket) =>
        socket.HttpResponseHeaders is { } headers
            ? new Dictionary<string, IEnumerable<string>>(headers, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, IEnumerable<string>>();
}
