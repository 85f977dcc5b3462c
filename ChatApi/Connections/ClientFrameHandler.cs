using System.Diagnostics;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Telemetry;

namespace ChatApi.Connections;

/// <summary>
/// Answers one connection's client frames: join, leave, send (acknowledged once stored), history, agent and ping.
/// A known outage becomes an <c>error</c> frame; only a bug closes the session, and only a bug with 1011.
/// </summary>
internal sealed partial class ClientFrameHandler(ChatConnection connection, ConnectionRooms rooms, ChatSessionServices services)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _pendingAcks = [];
    private bool _shuttingDown;

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

    public async Task DispatchAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        switch (parsed)
        {
            case ParseResult.Violation violation:
                services.Telemetry.FrameReceived("invalid");
                connection.RequestClose(violation.Status, violation.Reason);
                return;
            case ParseResult.Rejected rejected:
                services.Telemetry.FrameReceived("rejected");
                Error(rejected.Code, rejected.Message, rejected.Ref);
                return;
            case ParseResult.Request { Frame: var frame }:
                services.Telemetry.FrameReceived(frame.Type);
                try
                {
                    await HandleAsync(frame, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Known outages are answered inside the handlers and client input is refused by the parser; whatever
                    // reaches here is a bug (a cancellation the session did not ask for included), and only a bug gets 1011.
                    LogUnexpected(services.Logger, exception, connection.Id, frame.Type);
                    connection.RequestClose(CloseCodes.InternalError, "internal error");
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
        AgentRequest agent => services.Agents.StartAsync(connection, agent, cancellationToken),
        PingRequest ping => PongAsync(ping),
        _ => throw new InvalidOperationException($"No handler for {frame.Type}."),
    };

    private Task PongAsync(PingRequest ping)
    {
        connection.Enqueue(new PongFrame(ping.Nonce), ChatJsonContext.Default.PongFrame);
        return Task.CompletedTask;
    }

    private async Task JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (!await rooms.JoinAsync(request.Room, request.Since, cancellationToken))
            {
                Error(ErrorCodes.TooManyRooms, $"At most {services.Options.Value.MaxRoomsPerConnection} rooms per connection.", "join");
            }
        }
        catch (Exception exception) when (IsStoreOutage(exception))
        {
            LogStoreOutage(services.Logger, connection.Id, "join", exception.GetType().Name);
            Error(ErrorCodes.StoreUnavailable, "The message store is unavailable; join again shortly.", "join");
        }
    }

    private async Task LeaveAsync(LeaveRequest request)
    {
        if (!await rooms.LeaveAsync(request.Room))
        {
            Error(ErrorCodes.NotJoined, $"Not in room {request.Room}.", "leave");
            return;
        }

        services.Agents.CancelRuns(connection, request.Room);
    }

    private async Task SendAsync(SendRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                Error(ErrorCodes.ShuttingDown, "This node is restarting; send again after reconnecting.", request.ClientMsgId);
                return;
            }
        }

        if (!rooms.Contains(request.Room))
        {
            Error(ErrorCodes.NotJoined, $"Join room {request.Room} before sending to it.", request.ClientMsgId);
            return;
        }

        using var activity = ChatTelemetry.ActivitySource.StartActivity("chat.receive", ActivityKind.Server);
        activity?.SetTag("chat.room", request.Room);
        activity?.SetTag("chat.connection.id", connection.Id);

        // Awaited here so that one client's sends are queued, and numbered, in the order it sent them.
        var user = connection.User;
        var stored = await services.Writer.EnqueueAsync(
            new NewMessage(request.Room, user.UserId, user.Username, request.Text, request.ClientMsgId),
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
                connection.Enqueue(new AckFrame(clientMsgId, message.Id), ChatJsonContext.Default.AckFrame);
                break;
            case StoreResult.Failed failed:
                Error(ErrorCodes.StoreUnavailable, failed.Reason, clientMsgId);
                break;
            case StoreResult.Refused refused:
                Error(refused.Code, refused.Reason, clientMsgId);
                break;
        }
    }

    private async Task HistoryAsync(HistoryRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var (messages, hasMore) = await services.Store.GetPageAsync(request.Room, request.Before, request.Limit, cancellationToken);
            connection.Enqueue(new HistoryFrame(request.Room, messages, hasMore), ChatJsonContext.Default.HistoryFrame);
        }
        catch (Exception exception) when (IsStoreOutage(exception))
        {
            LogStoreOutage(services.Logger, connection.Id, "history", exception.GetType().Name);
            Error(ErrorCodes.StoreUnavailable, "The message store is unavailable; ask again shortly.", "history");
        }
    }

    private void Error(string code, string message, string? reference) =>
        connection.Enqueue(new ErrorFrame(code, message, reference), ChatJsonContext.Default.ErrorFrame);

    private static bool IsStoreOutage(Exception exception) =>
        exception is DependencyUnavailableException or Npgsql.NpgsqlException or StackExchange.Redis.RedisException;

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId}: {Operation} failed, store unavailable ({Error})")]
    private static partial void LogStoreOutage(ILogger logger, string connectionId, string operation, string error);

    [LoggerMessage(LogLevel.Error, "Connection {ConnectionId}: unexpected failure handling {FrameType}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string connectionId, string frameType);
}
