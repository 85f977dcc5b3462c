using System.Net.WebSockets;
using System.Text;

namespace ChatBench.Clients;

/// <summary>
/// A plain WebSocket client with JSON text frames (ours and the bare Kestrel peer): one receive loop hands each whole
/// frame to <see cref="OnFrame"/>; sends come from one sender at a time (the workload's schedule per member).
/// </summary>
internal abstract class WebSocketClient : IChatClient
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private readonly ClientWebSocket _socket;
    private readonly Task _receiving;
    private TaskCompletionSource? _joining;
    private volatile bool _closing;
    private byte[] _buffer = new byte[8 * 1024];

    protected WebSocketClient(ClientWebSocket socket, IDeliverySink sink)
    {
        _socket = socket;
        Sink = sink;
        _receiving = ReceiveLoopAsync();
    }

    protected IDeliverySink Sink { get; }

    public static ClientWebSocket CreateSocket() => new() { Options = { KeepAliveInterval = TimeSpan.Zero } };

    public async Task JoinAsync(string room, CancellationToken cancellationToken)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _joining = joined;
        await SendFrameAsync(Encoding.UTF8.GetBytes($$"""{"type":"join","room":"{{room}}"}"""));
        await joined.Task.WaitAsync(cancellationToken);
    }

    public abstract ValueTask SendAsync(string room, string text);

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone already, or the server did not answer our close: the socket is aborted below either way.
        }

        _socket.Dispose();
        await _receiving;
    }

    protected ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>One whole text frame from the server; runs on the receive loop, so it must be quick.</summary>
    protected abstract void OnFrame(ReadOnlySpan<byte> frame);

    /// <summary>Completes the <see cref="JoinAsync"/> in flight.</summary>
    protected void Joined() => _joining?.TrySetResult();

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == _buffer.Length)
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(_buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_closing)
                    {
                        Sink.Failed($"closed by the server: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    }

                    break;
                }

                OnFrame(_buffer.AsSpan(0, count));
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_closing)
            {
                Sink.Failed($"connection lost: {exception.Message}");
            }
        }
        catch (FormatException exception)
        {
            Sink.Failed(exception.Message);
        }
        finally
        {
            _joining?.TrySetException(new InvalidOperationException("The connection ended before the join was answered."));
        }
    }
}
