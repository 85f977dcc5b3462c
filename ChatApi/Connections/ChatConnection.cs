using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using ChatApi.Agents;
using ChatApi.Auth;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Rooms;
using ChatApi.Telemetry;

namespace ChatApi.Connections;

/// <summary>
/// One chat session over an accepted WebSocket: a receive loop that reads, limits and parses frames and hands them to
/// its <see cref="ClientFrameHandler"/>, and a single writer that drains a bounded outbound queue (so one slow client
/// costs a bounded amount of memory and is closed with 1013 when it falls behind). Closing always goes through
/// <see cref="RequestClose"/>; the first reason wins. Its rooms are in <see cref="ConnectionRooms"/>.
/// </summary>
public sealed partial class ChatConnection : IRoomMember, IAgentRequester
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(15);
    private const int InitialReceiveBuffer = 4 * 1024;

    private readonly WebSocket _socket;
    private readonly ConnectionStateMachine _state;
    private readonly ChatSessionServices _services;
    private readonly ChatApiOptions _options;
    private readonly ILogger _logger;
    private readonly SendRateLimiter _rateLimiter;
    // Frames are shared read-only bytes: a room message is serialised once per replica and queued to every member as is.
    private readonly Channel<ReadOnlyMemory<byte>> _outbound;
    private readonly CancellationTokenSource _dropOutbound = new();
    private readonly Lock _gate = new();
    private readonly ConnectionRooms _rooms;
    private readonly ClientFrameHandler _frames;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseRequest? _closeRequest;
    private long _lastFrameTimestamp;
    private long _sendStartedTimestamp;

    public ChatConnection(string id, AuthenticatedUser user, WebSocket socket, ConnectionStateMachine state, ChatSessionServices services)
    {
        Id = id;
        User = user;
        _socket = socket;
        _state = state;
        _services = services;
        _options = services.Options.Value;
        _logger = services.Logger;
        _rateLimiter = new SendRateLimiter(_options.SendRatePerSecond, _options.SendBurst, services.TimeProvider);
        _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(_options.OutboundQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _rooms = new ConnectionRooms(this, services.Rooms, _options.MaxRoomsPerConnection);
        _frames = new ClientFrameHandler(this, _rooms, services);
    }

    public string Id { get; }

    public AuthenticatedUser User { get; }

    public ConnectionState State => _state.State;

    /// <summary>Completes when the session is over and its socket is closed.</summary>
    public Task Completion => _completed.Task;

    /// <summary>The close this session ended (or is ending) with; null while open.</summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_gate)
            {
                return _closeRequest?.Status;
            }
        }
    }

    public async Task RunAsync(CancellationToken requestAborted)
    {
        _state.TryMove(ConnectionState.Open, "upgraded");
        _services.Telemetry.ConnectionOpened();
        bool linger;
        try
        {
            linger = await RunSessionAsync(requestAborted);
        }
        finally
        {
            // Whatever ended the session, a bug included: its memberships, subscriptions and runs must not outlive it
            // (a leaked membership keeps queueing frames for a session nobody reads).
            try
            {
                await _rooms.LeaveAllAsync();
            }
            finally
            {
                _services.Agents.CancelRuns(this, room: null);
                // A session can end with nobody having asked for a close (a send to a client that vanished) or with
                // the close asked for before the upgrade (revocation, shutdown): it still passes through Closing.
                _state.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, "session ended");
                _state.TryMove(ConnectionState.Closed, CloseStatus?.ToString() ?? "closed");
                _services.Telemetry.ConnectionClosed();
                _completed.TrySetResult();
            }
        }

        if (linger)
        {
            // The framework answered a broken frame with its own close (1007 for invalid UTF-8) and dropped the socket.
            // Ending the request now would close the connection with the client's next frames unread, which sends a
            // reset, and a reset can destroy that close before the client reads it (a 1006 instead of a 1007): keep
            // the connection a moment first.
            await Task.Delay(CloseHandshakeTimeout, _services.TimeProvider);
        }
    }

    /// <summary>Runs the session until it is closed; true when the framework closed it on a broken frame.</summary>
    private async Task<bool> RunSessionAsync(CancellationToken requestAborted)
    {
        var time = _services.TimeProvider;
        _lastFrameTimestamp = time.GetTimestamp();
        Enqueue(new WelcomeFrame(User.UserId, User.Username, Id, User.ExpiresAt), ChatJsonContext.Default.WelcomeFrame);

        // The session ends when the token does (1008), and when the client goes quiet for too long (1000).
        var untilExpiry = User.ExpiresAt - time.GetUtcNow();
        await using var expiry = time.CreateTimer(
            _ => RequestClose(CloseCodes.PolicyViolation, "token expired"),
            null,
            untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
        // One timer per session watches both the client's silence and a send the client does not take.
        var watchPeriod = TimeSpan.FromTicks(Math.Min(_options.IdleTimeout.Ticks, SendTimeout.Ticks) / 4);
        await using var watch = time.CreateTimer(_ => Watch(), null, watchPeriod, watchPeriod);

        var writer = WriteLoopAsync();
        var reader = ReadLoopAsync(requestAborted);

        // The writer ends once a close was requested and its close frame sent; the reader ends when the client's close
        // arrives, or the client vanishes, or the framework itself closed (it answers invalid UTF-8 with 1007).
        if (await Task.WhenAny(reader, writer) == reader)
        {
            var faulted = await ObserveAsync(reader);
            if (faulted)
            {
                // Recorded as what the client was sent (1002 rather than 1007 for broken framing, which is rarer).
                RequestClose(CloseCodes.InvalidPayload, "closed by the WebSocket layer: invalid UTF-8 or a broken frame");
            }

            RequestClose(_socket.CloseStatus ?? CloseCodes.GoingAway, _socket.CloseStatusDescription ?? "client closed");
            await writer;
            return faulted;
        }

        if (await Task.WhenAny(reader, Task.Delay(CloseHandshakeTimeout, time)) != reader)
        {
            // Our close went unanswered: cut the client off. Only here: a reset can destroy a close frame the client
            // has not read yet, so a session that closed properly ends with the connection's normal close instead.
            _socket.Abort();
        }

        // The framework may also fault on a broken frame that arrives after our close (the client goes on sending).
        return await ObserveAsync(reader);
    }

    /// <summary>Awaits the receive loop; true when the framework faulted it on a broken frame (and sent its own close).</summary>
    private async Task<bool> ObserveAsync(Task reader)
    {
        try
        {
            await reader;
        }
        catch (WebSocketException exception) when (exception.WebSocketErrorCode == WebSocketError.Faulted)
        {
            // Invalid UTF-8 in a text message, or broken framing: answered by the framework itself.
            return true;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client vanished without a close frame, or we cut it off after our close went unanswered.
        }
        catch (Exception exception)
        {
            // A bug in the receive path (frame handlers catch their own): the client is told with 1011, and the
            // session still ends through RunAsync's cleanup.
            LogReceiveBug(_logger, exception, Id);
            RequestClose(CloseCodes.InternalError, "internal error");
        }

        return false;
    }

    /// <summary>
    /// Ends the session with <paramref name="status"/>. With <paramref name="flush"/>, frames already queued are sent
    /// first (acks on shutdown); without, they are dropped (a slow or misbehaving client). Later requests are ignored.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string reason, bool flush = false)
    {
        lock (_gate)
        {
            if (_closeRequest is not null)
            {
                return;
            }

            _closeRequest = new CloseRequest(status, reason);
        }

        _state.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, reason);

        LogClosing(_logger, Id, (int)status, reason);
        _outbound.Writer.TryComplete();
        if (!flush)
        {
            _dropOutbound.Cancel();
        }
    }

    /// <summary>Shutdown has begun: new sends are refused (the client resends after reconnecting elsewhere).</summary>
    public void BeginShutdown() => _frames.BeginShutdown();

    /// <summary>Completes when every send received so far has been stored (or failed) and its answer queued.</summary>
    public Task WhenSendsSettledAsync() => _frames.WhenSendsSettledAsync();

    /// <summary>A frame of one of this connection's rooms, in the room's order (see <see cref="IRoomMember"/>).</summary>
    public void Send(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            EnqueueLocked(frame);
        }
    }

    /// <summary>Queues an answer for this client (agents report through here).</summary>
    public void Enqueue<T>(T frame, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);
        lock (_gate)
        {
            EnqueueLocked(bytes);
        }
    }

    public bool IsInRoom(string room) => _rooms.Contains(room);

    private void EnqueueLocked(ReadOnlyMemory<byte> frame)
    {
        if (_outbound.Writer.TryWrite(frame) || _closeRequest is not null)
        {
            return;
        }

        // The client reads slower than its rooms talk: close it rather than buffer without bound.
        _services.Telemetry.QueueDropped();
        LogSlowConsumer(_logger, Id, _options.OutboundQueueCapacity);
        RequestClose(CloseCodes.TryAgainLater, "client too slow");
    }

    private void Watch()
    {
        var time = _services.TimeProvider;
        if (time.GetElapsedTime(Interlocked.Read(ref _lastFrameTimestamp)) >= _options.IdleTimeout)
        {
            RequestClose(CloseCodes.Normal, "idle timeout");
        }

        // A client that stops reading must not hold a send forever: aborting the socket ends its session.
        var sendStarted = Interlocked.Read(ref _sendStartedTimestamp);
        if (sendStarted != 0 && time.GetElapsedTime(sendStarted) >= SendTimeout)
        {
            _socket.Abort();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(_dropOutbound.Token))
            {
                // No token per frame: a cancellable send allocates a timer and takes the WebSocket's slow path; a
                // send that does not finish is ended by Watch instead.
                Interlocked.Exchange(ref _sendStartedTimestamp, _services.TimeProvider.GetTimestamp());
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                Interlocked.Exchange(ref _sendStartedTimestamp, 0);
                _services.Telemetry.FrameSent();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Dropped on purpose, or the socket is gone.
        }

        CloseRequest request;
        lock (_gate)
        {
            request = _closeRequest ?? new CloseRequest(CloseCodes.Normal, "closed");
        }

        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await _socket.CloseOutputAsync(request.Status, request.Reason, timeout.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // The socket is gone; RunAsync ends the session.
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken requestAborted)
    {
        // Small while idle (most frames are a few hundred bytes): a buffer grows only for a large frame, up to the
        // limit, and goes back to the pool after it.
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    // The pool may hand out more than asked: never read past the limit.
                    var room = Math.Min(buffer.Length, _options.MaxMessageBytes);
                    if (count == room)
                    {
                        if (room < _options.MaxMessageBytes)
                        {
                            buffer = Grow(buffer, Math.Min(room * 2, _options.MaxMessageBytes));
                            room = Math.Min(buffer.Length, _options.MaxMessageBytes);
                        }
                        else
                        {
                            // Over the limit: close with 1009 now, not at the message's end (a message may be
                            // fragmented forever); read on, keeping nothing, only until the client's close arrives.
                            RequestClose(CloseCodes.MessageTooBig, $"message larger than {_options.MaxMessageBytes} bytes");
                            count = 0;
                        }
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, room - count), requestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                Interlocked.Exchange(ref _lastFrameTimestamp, _services.TimeProvider.GetTimestamp());
                if (IsClosing)
                {
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    RequestClose(CloseCodes.InvalidPayload, "frames must be UTF-8 JSON text");
                }
                else if (!_rateLimiter.TryAcquire())
                {
                    RequestClose(CloseCodes.PolicyViolation, "rate limit exceeded");
                }
                else
                {
                    await _frames.DispatchAsync(_services.Parser.Parse(buffer.AsMemory(0, count)), requestAborted);
                }

                if (buffer.Length > InitialReceiveBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private bool IsClosing
    {
        get
        {
            lock (_gate)
            {
                return _closeRequest is not null;
            }
        }
    }

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId} closing with {Status}: {Reason}")]
    private static partial void LogClosing(ILogger logger, string connectionId, int status, string reason);

    [LoggerMessage(LogLevel.Error, "Connection {ConnectionId}: unexpected failure in the receive loop; closing it with 1011")]
    private static partial void LogReceiveBug(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId} fell {Capacity} frames behind; closing it with 1013")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, int capacity);
}
