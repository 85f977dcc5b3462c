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
/// One chat session over an accepted WebSocket: a receive loop that parses and dispatches frames, and a single
/// writer that drains a bounded outbound queue (so one slow client costs a bounded amount of memory and is closed
/// with 1013 when it falls behind). Closing always goes through <see cref="RequestClose"/>; the first reason wins.
/// </summary>
public sealed partial class ChatConnection : IRoomMember, IAgentRequester
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(15);

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
    private readonly Dictionary<string, RoomMembership> _rooms = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _pendingAcks = [];
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseRequest? _closeRequest;
    private bool _shuttingDown;
    private long _lastFrameTimestamp;

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
        var time = _services.TimeProvider;
        _state.TryMove(ConnectionState.Open, "upgraded");
        _services.Metrics.ConnectionOpened();
        _lastFrameTimestamp = time.GetTimestamp();
        Enqueue(new WelcomeFrame(User.UserId, User.Username, Id, User.ExpiresAt), ChatJsonContext.Default.WelcomeFrame);

        // The session ends when the token does (1008), and when the client goes quiet for too long (1000).
        var untilExpiry = User.ExpiresAt - time.GetUtcNow();
        await using var expiry = time.CreateTimer(
            _ => RequestClose(CloseCodes.PolicyViolation, "token expired"),
            null,
            untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
        var idleCheck = _options.IdleTimeout / 4;
        await using var idle = time.CreateTimer(_ => CloseIfIdle(), null, idleCheck, idleCheck);

        var writer = WriteLoopAsync();
        var reader = ReadLoopAsync(requestAborted);

        // The writer ends once a close was requested and its close frame sent; the reader ends when the client's close
        // arrives, or the client vanishes, or the framework itself closed (it answers invalid UTF-8 with 1007).
        if (await Task.WhenAny(reader, writer) == reader)
        {
            await ObserveAsync(reader);
            RequestClose(_socket.CloseStatus ?? CloseCodes.GoingAway, _socket.CloseStatusDescription ?? "client closed");
            await writer;
        }
        else if (await Task.WhenAny(reader, Task.Delay(CloseHandshakeTimeout, time)) != reader)
        {
            // Our close went unanswered: cut the client off. Only here: a reset can destroy a close frame the client
            // has not read yet, so a session that closed properly ends with the connection's normal close instead.
            _socket.Abort();
        }

        await ObserveAsync(reader);
        await LeaveAllRoomsAsync();
        _state.TryMove(ConnectionState.Closed, CloseStatus?.ToString() ?? "closed");
        _services.Metrics.ConnectionClosed();
        _completed.TrySetResult();
    }

    private static async Task ObserveAsync(Task reader)
    {
        try
        {
            await reader;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client vanished without a close frame, or we cut it off after our close went unanswered.
        }
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

        if (_state.State == ConnectionState.Open)
        {
            _state.TryMove(ConnectionState.Closing, reason);
        }

        LogClosing(_logger, Id, (int)status, reason);
        _outbound.Writer.TryComplete();
        if (!flush)
        {
            _dropOutbound.Cancel();
        }
    }

    /// <summary>Shutdown has begun: new sends are refused (the client resends after reconnecting elsewhere).</summary>
    public void BeginShutdown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
        }
    }

    /// <summary>Completes when every send received so far has been stored (or failed) and its answer queued.</summary>
    public Task WhenSendsSettledAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_pendingAcks);
        }
    }

    public void Deliver(StoredMessage message, ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(message.Room, out var membership))
            {
                return;
            }

            if (membership.LiveAfter is not { } liveAfter)
            {
                // Joining: the joined frame decides what is new.
                membership.Buffered.Add((message, frame));
                return;
            }

            if (message.Id <= liveAfter)
            {
                return;
            }

            membership.LiveAfter = message.Id;
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

    public bool IsInRoom(string room)
    {
        lock (_gate)
        {
            return _rooms.ContainsKey(room);
        }
    }

    private void EnqueueLocked(ReadOnlyMemory<byte> frame)
    {
        if (_outbound.Writer.TryWrite(frame) || _closeRequest is not null)
        {
            return;
        }

        // The client reads slower than its rooms talk: close it rather than buffer without bound.
        _services.Metrics.QueueDropped();
        LogSlowConsumer(_logger, Id, _options.OutboundQueueCapacity);
        RequestClose(CloseCodes.TryAgainLater, "client too slow");
    }

    private void CloseIfIdle()
    {
        var quiet = _services.TimeProvider.GetElapsedTime(Interlocked.Read(ref _lastFrameTimestamp));
        if (quiet >= _options.IdleTimeout)
        {
            RequestClose(CloseCodes.Normal, "idle timeout");
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(_dropOutbound.Token))
            {
                // A client that stops reading must not hold a send forever; aborting the socket ends its session.
                using var timeout = new CancellationTokenSource(SendTimeout);
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                _services.Metrics.FrameSent();
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
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        try
        {
            var memory = buffer.AsMemory(0, _options.MaxMessageBytes);
            while (true)
            {
                var count = 0;
                var tooBig = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == memory.Length)
                    {
                        // Over the limit: keep reading to the end of the message, but keep nothing.
                        tooBig = true;
                        count = 0;
                    }

                    result = await _socket.ReceiveAsync(memory[count..], requestAborted);
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

                if (tooBig)
                {
                    RequestClose(CloseCodes.MessageTooBig, $"message larger than {_options.MaxMessageBytes} bytes");
                }
                else if (result.MessageType != WebSocketMessageType.Text)
                {
                    RequestClose(CloseCodes.InvalidPayload, "frames must be UTF-8 JSON text");
                }
                else if (!_rateLimiter.TryAcquire())
                {
                    RequestClose(CloseCodes.PolicyViolation, "rate limit exceeded");
                }
                else
                {
                    await DispatchAsync(_services.Parser.Parse(buffer.AsMemory(0, count)), requestAborted);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    private async Task DispatchAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        switch (parsed)
        {
            case ParseResult.Violation violation:
                _services.Metrics.FrameReceived("invalid");
                RequestClose(violation.Status, violation.Reason);
                return;
            case ParseResult.Rejected rejected:
                _services.Metrics.FrameReceived("rejected");
                Enqueue(new ErrorFrame(rejected.Code, rejected.Message, rejected.Ref), ChatJsonContext.Default.ErrorFrame);
                return;
            case ParseResult.Request { Frame: var frame }:
                _services.Metrics.FrameReceived(frame.Type);
                try
                {
                    await HandleAsync(frame, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Known outages are answered inside the handlers; whatever reaches here is a bug, and only a bug gets 1011.
                    LogUnexpected(_logger, exception, Id, frame.Type);
                    RequestClose(CloseCodes.InternalError, "internal error");
                }

                return;
        }
    }

    private Task HandleAsync(ClientFrame frame, CancellationToken cancellationToken) => frame switch
    {
        JoinRequest join => JoinAsync(join, cancellationToken),
        LeaveRequest leave => LeaveAsync(leave),
        SendRequest send => SendAsync(send, cancellationToken),
        HistoryRequest history => HistoryAsync(history, cancellationToken),
        AgentRequest agent => _services.Agents.StartAsync(this, agent, cancellationToken),
        PingRequest ping => Pong(ping),
        _ => throw new InvalidOperationException($"No handler for {frame.Type}."),
    };

    private Task Pong(PingRequest ping)
    {
        Enqueue(new PongFrame(ping.Nonce), ChatJsonContext.Default.PongFrame);
        return Task.CompletedTask;
    }

    private async Task JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        bool alreadyMember;
        lock (_gate)
        {
            alreadyMember = _rooms.TryGetValue(request.Room, out var membership);
            if (!alreadyMember && _rooms.Count >= _options.MaxRoomsPerConnection)
            {
                EnqueueLocked(Serialize(new ErrorFrame(ErrorCodes.TooManyRooms, $"At most {_options.MaxRoomsPerConnection} rooms per connection.", "join"), ChatJsonContext.Default.ErrorFrame));
                return;
            }

            // Live messages wait in the membership's buffer until the joined frame is out.
            membership ??= new RoomMembership();
            membership.LiveAfter = null;
            _rooms[request.Room] = membership;
        }

        var store = _services.Store;
        try
        {
            if (!alreadyMember)
            {
                await _services.Rooms.JoinAsync(request.Room, this, cancellationToken);
            }

            IReadOnlyList<StoredMessage> messages;
            var recovered = false;
            long lastId;
            if (request.Since is { } since)
            {
                var missed = await store.GetAfterAsync(request.Room, since, _options.RecoveryLimit + 1, cancellationToken);
                if (missed.Count <= _options.RecoveryLimit)
                {
                    (messages, recovered) = (missed, true);
                    lastId = missed.Count > 0 ? missed[^1].Id : await store.GetLastIdAsync(request.Room, cancellationToken);
                }
                else
                {
                    messages = await store.GetLatestAsync(request.Room, _options.PageSize, cancellationToken);
                    lastId = messages[^1].Id;
                }
            }
            else
            {
                messages = await store.GetLatestAsync(request.Room, _options.PageSize, cancellationToken);
                lastId = messages.Count > 0 ? messages[^1].Id : 0;
            }

            lock (_gate)
            {
                if (!_rooms.TryGetValue(request.Room, out var membership))
                {
                    return;
                }

                EnqueueLocked(Serialize(new JoinedFrame(request.Room, lastId, recovered, messages), ChatJsonContext.Default.JoinedFrame));
                foreach (var (message, frame) in membership.Buffered.OrderBy(item => item.Message.Id))
                {
                    if (message.Id > lastId)
                    {
                        EnqueueLocked(frame);
                        lastId = message.Id;
                    }
                }

                membership.Buffered.Clear();
                membership.LiveAfter = lastId;
            }
        }
        catch (Exception exception) when (IsStoreOutage(exception))
        {
            LogStoreOutage(_logger, Id, "join", exception.GetType().Name);
            lock (_gate)
            {
                _rooms.Remove(request.Room);
            }

            await _services.Rooms.LeaveAsync(request.Room, this);
            Enqueue(new ErrorFrame(ErrorCodes.StoreUnavailable, "The message store is unavailable; join again shortly.", "join"), ChatJsonContext.Default.ErrorFrame);
        }
    }

    private async Task LeaveAsync(LeaveRequest request)
    {
        bool wasMember;
        lock (_gate)
        {
            wasMember = _rooms.Remove(request.Room);
        }

        if (!wasMember)
        {
            Enqueue(new ErrorFrame(ErrorCodes.NotJoined, $"Not in room {request.Room}.", "leave"), ChatJsonContext.Default.ErrorFrame);
            return;
        }

        await _services.Rooms.LeaveAsync(request.Room, this);
        _services.Agents.CancelRuns(this, request.Room);
    }

    private async Task SendAsync(SendRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                EnqueueLocked(Serialize(new ErrorFrame(ErrorCodes.ShuttingDown, "This node is restarting; send again after reconnecting.", request.ClientMsgId), ChatJsonContext.Default.ErrorFrame));
                return;
            }

            if (!_rooms.ContainsKey(request.Room))
            {
                EnqueueLocked(Serialize(new ErrorFrame(ErrorCodes.NotJoined, $"Join room {request.Room} before sending to it.", request.ClientMsgId), ChatJsonContext.Default.ErrorFrame));
                return;
            }
        }

        using var activity = ChatTelemetry.Source.StartActivity("chat.receive", ActivityKind.Server);
        activity?.SetTag("chat.room", request.Room);
        activity?.SetTag("chat.connection.id", Id);

        // Awaited here so that one client's sends are queued, and numbered, in the order it sent them.
        var stored = await _services.Writer.EnqueueAsync(
            new NewMessage(request.Room, User.UserId, User.Username, request.Text, request.ClientMsgId),
            cancellationToken);
        var ack = AcknowledgeAsync(stored, request.ClientMsgId);
        lock (_gate)
        {
            _pendingAcks.Add(ack);
        }

        _ = ack.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _pendingAcks.Remove(finished);
                }
            },
            TaskScheduler.Default);
    }

    private async Task AcknowledgeAsync(Task<StoreResult> stored, string clientMsgId)
    {
        switch (await stored)
        {
            case StoreResult.Stored { Message: var message }:
                Enqueue(new AckFrame(clientMsgId, message.Id), ChatJsonContext.Default.AckFrame);
                break;
            case StoreResult.Failed failed:
                Enqueue(new ErrorFrame(ErrorCodes.StoreUnavailable, failed.Reason, clientMsgId), ChatJsonContext.Default.ErrorFrame);
                break;
        }
    }

    private async Task HistoryAsync(HistoryRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var (messages, hasMore) = await _services.Store.GetPageAsync(request.Room, request.Before, request.Limit, cancellationToken);
            Enqueue(new HistoryFrame(request.Room, messages, hasMore), ChatJsonContext.Default.HistoryFrame);
        }
        catch (Exception exception) when (IsStoreOutage(exception))
        {
            LogStoreOutage(_logger, Id, "history", exception.GetType().Name);
            Enqueue(new ErrorFrame(ErrorCodes.StoreUnavailable, "The message store is unavailable; ask again shortly.", "history"), ChatJsonContext.Default.ErrorFrame);
        }
    }

    private async Task LeaveAllRoomsAsync()
    {
        string[] rooms;
        lock (_gate)
        {
            rooms = [.. _rooms.Keys];
            _rooms.Clear();
        }

        foreach (var room in rooms)
        {
            await _services.Rooms.LeaveAsync(room, this);
        }

        _services.Agents.CancelRuns(this, room: null);
    }

    private static bool IsStoreOutage(Exception exception) =>
        exception is Npgsql.NpgsqlException or TimeoutException or StackExchange.Redis.RedisException;

    private static byte[] Serialize<T>(T frame, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);

    /// <summary>This connection's place in one room: live delivery starts after <see cref="LiveAfter"/>.</summary>
    private sealed class RoomMembership
    {
        /// <summary>Null while joining: live messages are buffered until the joined frame fixes the seam.</summary>
        public long? LiveAfter { get; set; }

        public List<(StoredMessage Message, ReadOnlyMemory<byte> Frame)> Buffered { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} closing with {Status}: {Reason}")]
    private static partial void LogClosing(ILogger logger, string connectionId, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} fell {Capacity} frames behind; closing it with 1013")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId}: {Operation} failed, store unavailable ({Error})")]
    private static partial void LogStoreOutage(ILogger logger, string connectionId, string operation, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {ConnectionId}: unexpected failure handling {FrameType}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string connectionId, string frameType);
}
