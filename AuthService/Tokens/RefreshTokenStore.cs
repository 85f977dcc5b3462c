using Npgsql;

namespace AuthService.Tokens;

/// <summary>
/// Refresh tokens and their families (login sessions) in PostgreSQL. Every change to a family's tokens first locks
/// its <c>auth.refresh_families</c> row, so rotations and revocations of one family are serialised and cannot
/// deadlock.
/// </summary>
public sealed class RefreshTokenStore(NpgsqlDataSource dataSource)
{
    /// <summary>A new session: its family and first refresh token.</summary>
    public async Task StartFamilyAsync(Guid familyId, Guid userId, byte[] tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(
            "INSERT INTO auth.refresh_families (id, user_id, created_at) VALUES ($1, $2, $3)",
            familyId, userId, now));
        batch.BatchCommands.Add(Command(
            "INSERT INTO auth.refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            Guid.CreateVersion7(now), familyId, userId, tokenHash, now, expiresAt));
        // A batch without a transaction runs as one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Spends the presented token and stores its successor in the same family; a token already spent revokes the
    /// whole family instead.
    /// </summary>
    public async Task<RefreshRotation> RotateAsync(byte[] presentedHash, byte[] nextHash, DateTimeOffset now, DateTimeOffset nextExpiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        Guid familyId, userId;
        await using (var command = new NpgsqlCommand(
            """
            SELECT id, user_id, revoked_at FROM auth.refresh_families
            WHERE id = (SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1)
            FOR UPDATE
            """,
            connection,
            transaction))
        {
            command.Parameters.Add(new() { Value = presentedHash });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return RefreshRotation.Rejected;
            }

            familyId = reader.GetGuid(0);
            userId = reader.GetGuid(1);
            if (!reader.IsDBNull(2))
            {
                return new RefreshRotation(RefreshOutcome.FamilyRevoked, familyId, userId, reader.GetFieldValue<DateTimeOffset>(2));
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            UPDATE auth.refresh_tokens SET spent_at = $2
            WHERE token_hash = $1 AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > $2
            """,
            connection,
            transaction))
        {
            command.Parameters.Add(new() { Value = presentedHash });
            command.Parameters.Add(new() { Value = now });
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO auth.refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    connection,
                    transaction);
                AddParameters(insert, Guid.CreateVersion7(now), familyId, userId, nextHash, now, nextExpiresAt);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RefreshRotation(RefreshOutcome.Rotated, familyId, userId);
            }
        }

        bool spent;
        await using (var command = new NpgsqlCommand("SELECT spent_at IS NOT NULL FROM auth.refresh_tokens WHERE token_hash = $1", connection, transaction))
        {
            command.Parameters.Add(new() { Value = presentedHash });
            spent = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        if (!spent)
        {
            // Expired, not reused: nothing to revoke.
            return RefreshRotation.Rejected;
        }

        await RevokeFamilyAsync(connection, transaction, familyId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RefreshRotation(RefreshOutcome.ReuseDetected, familyId, userId);
    }

    /// <summary>Revokes the family and every token in it; false when it was revoked already (or does not exist).</summary>
    public async Task<bool> RevokeFamilyAsync(Guid familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = await RevokeFamilyAsync(connection, transaction, familyId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    private static async Task<bool> RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Family row first (the lock order every writer follows), then its tokens.
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("UPDATE auth.refresh_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", familyId, now));
        batch.BatchCommands.Add(Command("UPDATE auth.refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", familyId, now));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[0].RecordsAffected == 1;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static void AddParameters(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
