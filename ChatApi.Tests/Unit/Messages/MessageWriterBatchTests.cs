using System.Diagnostics;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApi.Tests.Unit.Messages;

/// <summary>
/// The writer's batch logic with a stand-in for the store statement (the statement itself is proved against a real
/// PostgreSQL by the distributed tests): one message PostgreSQL refuses must not fail its batch's other messages, an
/// outage still fails them all, and a clientMsgId names one message of its sender, in one room.
/// </summary>
public sealed class MessageWriterBatchTests
{
    private readonly List<int> _calls = [];
    private long _nextId;

    [Theory]
    [InlineData("22021")] // character_not_in_repertoire: a NUL in text
    [InlineData("22001")] // string_data_right_truncation
    [InlineData("22P02")] // invalid_text_representation
    [InlineData("23505")] // unique_violation
    [InlineData("23502")] // not_null_violation
    public void A_data_or_integrity_error_refuses_the_message(string sqlState)
    {
        var result = StoreFailure.ResultOf(Postgres(sqlState));

        Assert.Equal(ErrorCodes.MessageRefused, Assert.IsType<StoreResult.Refused>(result).Code);
    }

    [Theory]
    [InlineData("08006")] // connection_failure
    [InlineData("57P01")] // admin_shutdown
    [InlineData("53300")] // too_many_connections
    [InlineData("40001")] // serialization_failure
    [InlineData("57014")] // query_canceled
    public void Any_other_postgres_error_is_an_outage(string sqlState) =>
        Assert.IsType<StoreResult.Failed>(StoreFailure.ResultOf(Postgres(sqlState)));

    [Fact]
    public void Connection_errors_timeouts_and_a_known_down_store_are_outages()
    {
        Assert.IsType<StoreResult.Failed>(StoreFailure.ResultOf(new NpgsqlException("connection refused")));
        Assert.IsType<StoreResult.Failed>(StoreFailure.ResultOf(new DependencyUnavailableException("chatdb", "known to be down")));
        Assert.IsType<StoreResult.Failed>(StoreFailure.ResultOf(new TimeoutException()));
    }

    [Fact]
    public async Task A_message_postgres_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        // What PostgreSQL does with a NUL in a text parameter: the whole statement fails with 22021.
        var (writer, results) = await RunBatchAsync(
            Store(batch => batch.Any(pending => pending.Message.Text.Contains('\0', StringComparison.Ordinal)) ? Postgres("22021") : null),
            New("alice", "general", "a1"), New("bob", "general", "b1", "bad\0"), New("carol", "general", "c1"), New("alice", "general", "a2"));
        await writer.DrainAsync();

        Assert.IsType<StoreResult.Stored>(results[0]);
        Assert.Equal(ErrorCodes.MessageRefused, Assert.IsType<StoreResult.Refused>(results[1]).Code);
        Assert.IsType<StoreResult.Stored>(results[2]);
        Assert.IsType<StoreResult.Stored>(results[3]);
        // Alice's two messages keep her order.
        Assert.True(((StoreResult.Stored)results[0]).Message.Id < ((StoreResult.Stored)results[3]).Message.Id);
        Assert.Equal([4, 1, 1, 1, 1], _calls);
    }

    [Fact]
    public async Task An_outage_fails_the_whole_batch_with_store_unavailable_and_is_not_retried_message_by_message()
    {
        var (writer, results) = await RunBatchAsync(
            Store(_ => new NpgsqlException("connection refused")),
            New("alice", "general", "a1"), New("bob", "general", "b1"), New("carol", "other", "c1"));
        await writer.DrainAsync();

        Assert.All(results, result => Assert.IsType<StoreResult.Failed>(result));
        Assert.Equal([3], _calls);
    }

    [Fact]
    public async Task A_clientMsgId_reused_in_another_room_of_the_same_batch_is_refused_and_a_resend_in_the_same_room_is_a_duplicate()
    {
        var (writer, results) = await RunBatchAsync(
            Store(_ => null),
            New("alice", "general", "x"), New("alice", "other", "x"), New("alice", "general", "x"), New("bob", "other", "x"));
        await writer.DrainAsync();

        var original = Assert.IsType<StoreResult.Stored>(results[0]);
        Assert.Equal(ErrorCodes.ClientMsgIdReused, Assert.IsType<StoreResult.Refused>(results[1]).Code);
        Assert.Equal(original with { Duplicate = true }, results[2]);
        Assert.IsType<StoreResult.Stored>(results[3]);
    }

    private static PostgresException Postgres(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);

    private static NewMessage New(string sender, string room, string clientMsgId, string text = "hello") => new(room, sender, sender, text, clientMsgId);

    /// <summary>
    /// A store statement that fails a batch with <paramref name="failure"/>'s exception, or else stores it as the real
    /// one does: ids in queue order, each send completed.
    /// </summary>
    private Func<List<PendingMessage>, CancellationToken, Task<List<(PendingMessage Pending, StoredMessage Message)>>> Store(Func<List<PendingMessage>, Exception?> failure) =>
        (batch, _) =>
        {
            _calls.Add(batch.Count);
            if (failure(batch) is { } exception)
            {
                throw exception;
            }

            var stored = new List<(PendingMessage Pending, StoredMessage Message)>();
            foreach (var pending in batch)
            {
                var message = new StoredMessage(pending.Message.Room, ++_nextId, pending.Message.SenderId, pending.Message.Sender, pending.Message.Text, DateTimeOffset.UnixEpoch, pending.Message.ClientMsgId);
                pending.Complete(new StoreResult.Stored(message, Duplicate: false));
                stored.Add((pending, message));
            }

            return Task.FromResult(stored);
        };

    /// <summary>Queues every message before the writer starts, so they are one batch, then starts it and waits for each outcome.</summary>
    private static async Task<(MessageWriter Writer, StoreResult[] Results)> RunBatchAsync(
        Func<List<PendingMessage>, CancellationToken, Task<List<(PendingMessage Pending, StoredMessage Message)>>> store, params NewMessage[] messages)
    {
        var time = TimeProvider.System;
        var options = Options.Create(new ChatApiOptions());
        // Never opened: the stand-in store replaces the statement.
        var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var writer = new MessageWriter(
            dataSource,
            new DependencyGuard(new ReadinessState(time), options, time),
            new StoredMessagePublisher(new NoPublisher(), time, NullLogger<StoredMessagePublisher>.Instance),
            new ChatTelemetry(new TestMeterFactory()),
            time,
            options,
            NullLogger<MessageWriter>.Instance)
        {
            StoreBatch = store,
        };
        var pending = new List<Task<StoreResult>>();
        foreach (var message in messages)
        {
            pending.Add(await writer.EnqueueAsync(message, CancellationToken.None));
        }

        await writer.StartAsync(CancellationToken.None);
        var results = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10));
        return (writer, results);
    }

    private sealed class NoPublisher : IMessagePublisher
    {
        public Task PublishAsync(StoredMessage message, ActivityContext origin) => Task.CompletedTask;
    }
}
