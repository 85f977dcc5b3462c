using Npgsql;

namespace ChatApi.Data;

/// <summary>
/// Creates ChatApi's schema (<c>chat</c>) before the service takes traffic: idempotent DDL under a transaction-scoped
/// advisory lock, so replicas starting together neither race nor fail; retried while PostgreSQL is not reachable yet.
/// </summary>
public sealed partial class ChatSchemaInitializer(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<ChatSchemaInitializer> logger)
    : IHostedService
{
    // Any constant shared by every ChatApi replica and distinct from AuthService's lock.
    private const long MigrationLock = 0x43_68_61_74_41_70_69;

    private const string Schema = """
        CREATE SCHEMA IF NOT EXISTS chat;

        -- last_id is the room's id counter: allocating ids takes this row's lock, so ids of a room are committed
        -- in increasing order on every replica (fan-out relies on it to fill gaps).
        CREATE TABLE IF NOT EXISTS chat.rooms (
            name       text        PRIMARY KEY,
            last_id    bigint      NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE IF NOT EXISTS chat.messages (
            room          text        NOT NULL,
            id            bigint      NOT NULL,
            sender_id     text        NOT NULL,
            sender        text        NOT NULL,
            text          text        NOT NULL,
            client_msg_id text,
            sent_at       timestamptz NOT NULL,
            PRIMARY KEY (room, id)
        );

        -- A resend with the same clientMsgId is stored once.
        CREATE UNIQUE INDEX IF NOT EXISTS messages_sender_client_msg_id
            ON chat.messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
                {
                    command.Parameters.Add(new() { Value = MigrationLock });
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var command = new NpgsqlCommand(Schema, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogSchemaReady(logger);
                return;
            }
            catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt));
                LogSchemaRetry(logger, attempt, delay.TotalMilliseconds, exception.GetType().Name);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Chat schema is ready")]
    private static partial void LogSchemaReady(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Chat schema not created yet (attempt {Attempt}, {Error}); retrying in {DelayMs} ms")]
    private static partial void LogSchemaRetry(ILogger logger, int attempt, double delayMs, string error);
}
