using System.Diagnostics;
using System.Threading.Channels;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApi.Messages;

/// <summary>
/// Persists sends in batches: every send queued while a transaction runs goes into the next one, so throughput grows
/// with load instead of the node serialising on one insert per message. A batch allocates ids per room (the room row's
/// lock orders commits by id across replicas), inserts with multi-row <c>unnest</c>, resolves resends through the
/// (sender, clientMsgId) unique index, commits, completes every waiting send, and hands the new messages to the
/// <see cref="StoredMessagePublisher"/>. A batch is guarded (<see cref="DependencyGuard"/>): while chatdb is known down
/// or hangs past the timeout, its sends get <c>store_unavailable</c> (the client resends with the same clientMsgId).
/// </summary>
public sealed partial class MessageWriter : BackgroundService
{
    private const int QueueCapacity = 10_000;
    private readonly Channel<PendingMessage> _queue = Channel.CreateBounded<PendingMessage>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly NpgsqlDataSource _dataSource;
    private readonly DependencyGuard _guard;
    private readonly StoredMessagePublisher _publisher;
    private readonly ChatTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MessageWriter> _logger;
    private readonly int _batchSize;
    private readonly Func<List<PendingMessage>, CancellationToken, Task<List<(PendingMessage Pending, StoredMessage Message)>>> _store;

    public MessageWriter(
        NpgsqlDataSource dataSource,
        DependencyGuard guard,
        StoredMessagePublisher publisher,
        ChatTelemetry telemetry,
        TimeProvider timeProvider,
        IOptions<ChatApiOptions> options,
        ILogger<MessageWriter> logger)
    {
        _dataSource = dataSource;
        _guard = guard;
        _publisher = publisher;
        _telemetry = telemetry;
        _timeProvider = timeProvider;
        _logger = logger;
        _batchSize = options.Value.PersistBatchSize;
        _store = StoreAsync;
    }

    /// <summary>For tests of the batch logic: stands in for the statement that stores a batch (<see cref="StoreAsync"/>).</summary>
    internal Func<List<PendingMessage>, CancellationToken, Task<List<(PendingMessage Pending, StoredMessage Message)>>> StoreBatch
    {
        init => _store = value;
    }

    /// <summary>
    /// Queues a message (waiting only when the queue is full, which slows the sender down) and returns the task that
    /// completes once it is durable. Queue order is id order for messages of one sender.
    /// </summary>
    public async ValueTask<Task<StoreResult>> EnqueueAsync(NewMessage message, CancellationToken cancellationToken)
    {
        var pending = new PendingMessage(message, Activity.Current?.Context ?? default);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return Task.FromResult<StoreResult>(new StoreResult.Failed("The node is shutting down."));
        }

        return pending.Completion.Task;
    }

    /// <summary>Stops taking messages and persists every one already queued (graceful shutdown).</summary>
    public async Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } loop)
        {
            await loop;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingMessage>(_batchSize);
        // Not cancelled by stoppingToken: the loop ends when the queue is completed and empty, so nothing queued is dropped.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _batchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await PersistAsync(batch);
            batch.Clear();
        }
    }

    private async Task PersistAsync(List<PendingMessage> batch)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity(
            "chat.persist", ActivityKind.Internal, parentContext: default, links: batch.Where(p => p.Origin != default).Select(p => new ActivityLink(p.Origin)));
        activity?.SetTag("chat.batch.size", batch.Count);
        var started = _timeProvider.GetTimestamp();

        // A resend may arrive while its first copy is still queued: store the first, answer the others with it.
        var firstByKey = new Dictionary<(string SenderId, string ClientMsgId), PendingMessage>();
        var unique = new List<PendingMessage>(batch.Count);
        var copies = new List<(PendingMessage Copy, PendingMessage Original)>();
        foreach (var pending in batch)
        {
            var key = (pending.Message.SenderId, pending.Message.ClientMsgId);
            if (firstByKey.TryGetValue(key, out var original))
            {
                copies.Add((pending, original));
            }
            else
            {
                firstByKey[key] = pending;
                unique.Add(pending);
            }
        }

        List<(PendingMessage Pending, StoredMessage Message)> inserted;
        try
        {
            inserted = await StoreGuardedAsync(unique);
        }
        catch (Exception exception) when (StoreFailure.IsDataError(exception) && unique.Count > 1)
        {
            // PostgreSQL refused one message's content, not the batch: store them one by one (in queue order, so each
            // sender's ids stay in its order) and refuse only the messages that fail on their own.
            LogBatchRefused(_logger, unique.Count, ((Npgsql.PostgresException)exception).SqlState);
            inserted = [];
            foreach (var pending in unique)
            {
                try
                {
                    inserted.AddRange(await StoreGuardedAsync([pending]));
                }
                catch (Exception single)
                {
                    Fail([pending], single, activity);
                }
            }
        }
        catch (Exception exception)
        {
            inserted = [];
            Fail(unique, exception, activity);
        }

        foreach (var (copy, original) in copies)
        {
            // A clientMsgId names one message of its sender: a copy in another room is not a resend of it.
            copy.Complete(original.Result switch
            {
                StoreResult.Stored stored when stored.Message.Room != copy.Message.Room => ClientMsgIdReused(),
                StoreResult.Stored stored => stored with { Duplicate = true },
                var result => result!,
            });
        }

        _telemetry.Persisted(inserted.Count, batch.Count, _timeProvider.GetElapsedTime(started));
    }

    private Task<List<(PendingMessage Pending, StoredMessage Message)>> StoreGuardedAsync(List<PendingMessage> messages) =>
        _guard.RunAsync(DependencyChecks.Database, cancellationToken => _store(messages, cancellationToken), CancellationToken.None);

    /// <summary>
    /// These sends are not stored and the writer goes on: one bad batch must never stop the node's persistence. After
    /// an outage their clients resend with the same clientMsgId; a refused message is refused for good.
    /// </summary>
    private void Fail(List<PendingMessage> messages, Exception exception, Activity? activity)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        if (StoreFailure.IsDataError(exception))
        {
            LogMessageRefused(_logger, messages.Count, ((Npgsql.PostgresException)exception).SqlState);
        }
        else if (exception is NpgsqlException or DependencyUnavailableException)
        {
            LogPersistFailed(_logger, messages.Count, exception.GetType().Name);
        }
        else
        {
            LogPersistBug(_logger, exception, messages.Count);
        }

        _telemetry.PersistFailed(messages.Count);
        var result = StoreFailure.ResultOf(exception);
        foreach (var pending in messages)
        {
            pending.Complete(result);
        }
    }

    private static StoreResult.Refused ClientMsgIdReused() =>
        new(ErrorCodes.ClientMsgIdReused, "This clientMsgId was already used for a message in another room; use a new one.");

    /// <summary>
    /// Allocates ids per room, inserts, and reads the originals of resends, in one statement: one round trip, whose
    /// implicit transaction holds the rooms' row locks only while it runs and commits (both replicas write the same
    /// rooms, so a longer hold makes their writers wait on each other). The locks make commit order id order in a room,
    /// which the sequencers rely on. Completes each pending send once committed and returns those stored now.
    /// </summary>
    private async Task<List<(PendingMessage Pending, StoredMessage Message)>> StoreAsync(List<PendingMessage> batch, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();

        // Rooms in a fixed order so two replicas never wait on each other's room locks in opposite orders. Each send
        // keeps its own candidate: ids run in queue order within a room.
        var rooms = batch.GroupBy(p => p.Message.Room, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var candidates = new List<(PendingMessage Pending, int Position)>(batch.Count);
        foreach (var room in rooms)
        {
            candidates.AddRange(room.Select((pending, index) => (pending, index + 1)));
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var store = new NpgsqlCommand(StoreSql, connection);
        store.Parameters.Add(new() { Value = rooms.Select(g => g.Key).ToArray() });
        store.Parameters.Add(new() { Value = rooms.Select(g => (long)g.Count()).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => c.Pending.Message.Room).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => (long)c.Position).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => c.Pending.Message.SenderId).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => c.Pending.Message.Sender).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => c.Pending.Message.Text).ToArray() });
        store.Parameters.Add(new() { Value = candidates.Select(c => c.Pending.Message.ClientMsgId).ToArray() });
        store.Parameters.Add(new() { Value = now.UtcDateTime });

        var inserted = new Dictionary<(string SenderId, string ClientMsgId), StoredMessage>();
        var originals = new Dictionary<(string SenderId, string ClientMsgId), StoredMessage>();
        await using (var reader = await store.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var message = MessageStore.Read(reader, offset: 1);
                (reader.GetBoolean(0) ? inserted : originals)[(message.SenderId, message.ClientMsgId!)] = message;
            }
        }

        // Committed: tell every replica whatever happens to the caller's wait. Originals of resends too: their first
        // copy may have been committed by a batch whose caller gave up waiting, and repeats are dropped by id.
        var origins = candidates.ToDictionary(c => (c.Pending.Message.SenderId, c.Pending.Message.ClientMsgId), c => c.Pending.Origin);
        _publisher.Enqueue([.. inserted.Values.Concat(originals.Values)
            .OrderBy(message => message.Room, StringComparer.Ordinal).ThenBy(message => message.Id)
            .Select(message => (message, origins.GetValueOrDefault((message.SenderId, message.ClientMsgId!))))]);

        var stored = new List<(PendingMessage Pending, StoredMessage Message)>(inserted.Count);
        foreach (var (pending, _) in candidates)
        {
            var key = (pending.Message.SenderId, pending.Message.ClientMsgId);
            if (inserted.TryGetValue(key, out var message))
            {
                pending.Complete(new StoreResult.Stored(message, Duplicate: false));
                stored.Add((pending, message));
            }
            else
            {
                // A resend of a message stored earlier (possibly by another replica), answered with the original;
                // rarely its original was committed concurrently and this statement could not see it: resend again.
                pending.Complete(originals.TryGetValue(key, out var original)
                    ? original.Room == pending.Message.Room ? new StoreResult.Stored(original, Duplicate: true) : ClientMsgIdReused()
                    : new StoreResult.Failed("The message conflicted with a concurrent copy; send it again."));
            }
        }

        return stored;
    }

    /// <summary>
    /// $1/$2: rooms and how many ids each needs; $3..$8: the sends (room, position in the room, sender id, sender, text,
    /// clientMsgId); $9: the time. Returns (true, message) for each stored send and (false, message) for the original
    /// of each resend. A resend's candidate id stays unused (ids need not be dense; the sequencers know).
    /// </summary>
    private const string StoreSql =
        """
        WITH allocated AS (
            INSERT INTO chat.rooms AS r (name, last_id)
            SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (name) DO UPDATE SET last_id = r.last_id + EXCLUDED.last_id
            RETURNING r.name, r.last_id
        ),
        sends AS (
            SELECT s.room, a.last_id - n.needed + s.position AS id, s.sender_id, s.sender, s.text, s.client_msg_id
            FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])
                AS s(room, position, sender_id, sender, text, client_msg_id)
            JOIN unnest($1::text[], $2::bigint[]) AS n(room, needed) ON n.room = s.room
            JOIN allocated a ON a.name = s.room
        ),
        inserted AS (
            INSERT INTO chat.messages (room, id, sender_id, sender, text, client_msg_id, sent_at)
            SELECT room, id, sender_id, sender, text, client_msg_id, $9 FROM sends
            ON CONFLICT (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
            RETURNING room, id, sender_id, sender, text, sent_at, client_msg_id
        )
        SELECT true, room, id, sender_id, sender, text, sent_at, client_msg_id FROM inserted
        UNION ALL
        SELECT false, m.room, m.id, m.sender_id, m.sender, m.text, m.sent_at, m.client_msg_id
        FROM chat.messages m
        JOIN sends s ON s.sender_id = m.sender_id AND s.client_msg_id = m.client_msg_id
        WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.sender_id = s.sender_id AND i.client_msg_id = s.client_msg_id)
        """;

    [LoggerMessage(LogLevel.Warning, "Could not persist a batch of {Count} messages ({Error}); senders get store_unavailable")]
    private static partial void LogPersistFailed(ILogger logger, int count, string error);

    [LoggerMessage(LogLevel.Warning, "PostgreSQL refused a batch of {Count} messages ({SqlState}); storing them one by one")]
    private static partial void LogBatchRefused(ILogger logger, int count, string sqlState);

    [LoggerMessage(LogLevel.Warning, "PostgreSQL refused the content of {Count} messages ({SqlState}); their senders get message_refused")]
    private static partial void LogMessageRefused(ILogger logger, int count, string sqlState);

    [LoggerMessage(LogLevel.Error, "Unexpected failure persisting a batch of {Count} messages; senders get store_unavailable")]
    private static partial void LogPersistBug(ILogger logger, Exception exception, int count);
}
