using Npgsql;

namespace AuthService.Data;

/// <summary>
/// Brings the <c>auth</c> schema to the latest version in one transaction under an advisory lock, so replicas
/// starting together apply each migration exactly once and never see a half-migrated schema.
/// </summary>
public sealed partial class AuthSchemaMigrator(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<AuthSchemaMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({AdvisoryLocks.SchemaMigration});
            CREATE SCHEMA IF NOT EXISTS {AuthSchema.Name};
            CREATE TABLE IF NOT EXISTS {AuthSchema.Name}.schema_version (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL
            );
            """,
            connection,
            transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {AuthSchema.Name}.schema_version", connection, transaction))
        {
            current = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        foreach (var (version, sql) in AuthSchema.Migrations.Where(migration => migration.Version > current))
        {
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = new NpgsqlCommand($"INSERT INTO {AuthSchema.Name}.schema_version (version, applied_at) VALUES ($1, $2)", connection, transaction))
            {
                command.Parameters.Add(new() { Value = version });
                command.Parameters.Add(new() { Value = timeProvider.GetUtcNow() });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            LogMigrationApplied(logger, version);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Applied auth schema migration {Version}.")]
    private static partial void LogMigrationApplied(ILogger logger, int version);
}
