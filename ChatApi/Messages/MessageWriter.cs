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
            inserted = await _guard.RunAsync(DependencyChecks.Database, cancellationToken => StoreAsync(unique, cancellationToken), CancellationToken.None);
        }
        catch (Exception exception)
        {
            // Whatever went wrong, these sends are not acknowledged (their clients may resend with the same
            // clientMsgId) and the writer goes on: one bad batch must never stop the node's persistence.
            var outage = exception is NpgsqlException or DependencyUnavailableException;
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            if (outage)
            {
                LogPersistFailed(_logger, batch.Count, exception.GetType().Name);
            }
            else
            {
                LogPersistBug(_logger, exception, batch.Count);
            }

            _telemetry.PersistFailed(batch.Count);
            foreach (var pending in batch)
            {
                pending.Complete(new StoreResult.Failed("The message store is unavailable."));
            }

            return;
        }

        foreach (var (copy, original) in copies)
        {
            copy.Complete(original.Result is StoreResult.Stored stored ? stored with { Duplicate = true } : original.Result!);
        }

        _telemetry.Persisted(inserted.Count, batch.Count, _timeProvider.GetElapsedTime(started));

    }

    /// <summary>
    /// One transaction: allocate ids, insert, look up resends; completes each pending send once committed and returns
    /// the sends that were stored now (not resends), each with its message, in room and id order.
    /// </summary>
    private async Task<List<(PendingMessage Pending, StoredMessage Message)>> StoreAsync(List<PendingMessage> batch, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Rooms in a fixed order so two replicas never wait on each other's room locks in opposite orders.
        var rooms = batch.GroupBy(p => p.Message.Room, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var lastIds = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var allocate = new NpgsqlCommand(
            """
            INSERT INTO chat.rooms AS r (name, last_id)
            SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (name) DO UPDATE SET last_id = r.last_id + EXCLUDED.last_id
            RETURNING name, last_id
            """,
            connection,
            transaction))
        {
            allocate.Parameters.Add(new() { Value = rooms.Select(g => g.Key).ToArray() });
            allocate.Parameters.Add(new() { Value = rooms.Select(g => (long)g.Count()).ToArray() });
            await using var reader = await allocate.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lastIds[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // Each send keeps its own candidate: ids run in queue order within a room.
        var candidates = new List<(PendingMessage Pending, StoredMessage Message)>(batch.Count);
        foreach (var room in rooms)
        {
            var id = lastIds[room.Key] - room.Count();
            foreach (var pending in room)
            {
                var message = pending.Message;
                candidates.Add((pending, new StoredMessage(message.Room, ++id, message.SenderId, message.Sender, message.Text, now, message.ClientMsgId)));
            }
        }

        var inserted = new HashSet<(string Room, long Id)>();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO chat.messages (room, id, sender_id, sender, text, client_msg_id, sent_at)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
            ON CONFLICT (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
            RETURNING room, id
            """,
            connection,
            transaction))
        {
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.Room).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.Id).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.SenderId).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.Sender).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.Text).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.ClientMsgId).ToArray() });
            insert.Parameters.Add(new() { Value = candidates.Select(c => c.Message.SentAt.UtcDateTime).ToArray() });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        // Resends of messages stored earlier (possibly by another replica): answer with the stored original.
        var resent = candidates.Where(c => !inserted.Contains((c.Message.Room, c.Message.Id))).Select(c => c.Message).ToList();
        var originals = new Dictionary<(string SenderId, string ClientMsgId), StoredMessage>();
        if (resent.Count > 0)
        {
            await using var lookup = new NpgsqlCommand(
                """
                SELECT room, id, sender_id, sender, text, sent_at, client_msg_id FROM chat.messages
                WHERE (sender_id, client_msg_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                """,
                connection,
                transaction);
            lookup.Parameters.Add(new() { Value = resent.Select(m => m.SenderId).ToArray() });
            lookup.Parameters.Add(new() { Value = resent.Select(m => m.ClientMsgId).ToArray() });
            await using var reader = await lookup.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var original = MessageStore.Read(reader);
                originals[(original.SenderId, original.ClientMsgId!)] = original;
            }
        }

        await transaction.CommitAsync(cancellationToken);

        // Committed: tell every replica whatever happens to the caller's wait. Originals of resends too: their first
        // copy may have been committed by a batch whose caller gave up waiting, and repeats are dropped by id.
        var stored = new List<(PendingMessage Pending, StoredMessage Message)>(candidates.Count);
        var announce = new List<(StoredMessage Message, ActivityContext Origin)>(candidates.Count);
        foreach (var (pending, candidate) in candidates)
        {
            if (inserted.Contains((candidate.Room, candidate.Id)))
            {
                stored.Add((pending, candidate));
                announce.Add((candidate, pending.Origin));
            }
            else if (originals.TryGetValue((candidate.SenderId, candidate.ClientMsgId!), out var original))
            {
                announce.Add((original, pending.Origin));
            }
        }

        _publisher.Enqueue([.. announce.OrderBy(item => item.Message.Room, StringComparer.Ordinal).ThenBy(item => item.Message.Id)]);

        foreach (var (pending, candidate) in candidates)
        {
            if (inserted.Contains((candidate.Room, candidate.Id)))
            {
                pending.Complete(new StoreResult.Stored(candidate, Duplicate: false));
            }
            else
            {
                pending.Complete(originals.TryGetValue((candidate.SenderId, candidate.ClientMsgId!), out var original)
                    ? new StoreResult.Stored(original, Duplicate: true)
                    : new StoreResult.Failed("The message conflicted and its original could not be read."));
            }
        }

        return stored;
    }

    [LoggerMessage(LogLevel.Warning, "Could not persist a batch of {Count} messages ({Error}); senders get store_unavailable")]
    private static partial void LogPersistFailed(ILogger logger, int count, string error);

    [LoggerMessage(LogLevel.Error, "Unexpected failure persisting a batch of {Count} messages; senders get store_unavailable")]
    private static partial void LogPersistBug(ILogger logger, Exception exception, int count);
}
