using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace KestrelBroadcast;

/// <summary>
/// One client: a receive loop that parses frames and broadcasts, and a single writer draining a bounded queue (the
/// same shape as ChatApi's connections, so a slow client costs bounded memory and is dropped when it falls behind).
/// </summary>
public sealed class BroadcastConnection(WebSocket socket, RoomRegistry rooms)
{
    // ChatApi's default outbound queue, so both drop a slow client at the same depth.
    private const int OutboundCapacity = 512;
    private const int MaxMessageBytes = 64 * 1024;

    private readonly Channel<ReadOnlyMemory<byte>> _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(OutboundCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);
    private volatile bool _ending;
    private volatile bool _tooSlow;

    public void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (_outbound.Writer.TryWrite(frame) || _ending)
        {
            return;
        }

        // Full: the client reads too slowly. Close it with 1013 as ChatApi does.
        _tooSlow = true;
        _outbound.Writer.TryComplete();
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        var writer = WriteLoopAsync();
        try
        {
            await ReadLoopAsync(aborted);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            foreach (var room in _rooms)
            {
                rooms.Leave(room, this);
            }

            _ending = true;
            _outbound.Writer.TryComplete();
            await writer;
        }
    }

    private async Task ReadLoopAsync(CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageBytes);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "too big", aborted);
                        return;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), aborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                Handle(buffer.AsSpan(0, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Handle(ReadOnlySpan<byte> frame)
    {
        string? type = null, room = null, text = null;
        var reader = new Utf8JsonReader(frame);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.GetString();
                }
                else if (reader.ValueTextEquals("room"u8))
                {
                    reader.Read();
                    room = reader.GetString();
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    text = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        if (room is null)
        {
            return;
        }

        switch (type)
        {
            case "join" when _rooms.Add(room):
                rooms.Join(room, this);
                Enqueue(Frames.Joined(room));
                break;
            case "send" when text is not null && _rooms.Contains(room):
                // Serialised once, shared by every member's queue.
                rooms.Broadcast(room, Frames.Message(room, text));
                break;
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync())
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (status, reason) = _tooSlow ? ((WebSocketCloseStatus)1013, "client too slow") : (WebSocketCloseStatus.NormalClosure, "bye");
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
            // The client went away.
        }
    }
}
