using AuthService.Data;
using Npgsql;
using NpgsqlTypes;

namespace AuthService.Keys;

/// <summary>Signing keys in <c>auth.signing_keys</c>, shared by every replica.</summary>
public sealed class SigningKeyStore(NpgsqlDataSource dataSource)
{
    private const string SelectColumns = "kid, algorithm, public_jwk::text, private_key_encrypted, created_at, activates_at, retires_at, expires_at";

    public async Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SelectColumns} FROM auth.signing_keys");
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Under the rotation lock, reads the keys and lets <paramref name="decide"/> say which key to add, if any: the
    /// lock makes replicas that find a key due at the same moment create one key, not one each.
    /// </summary>
    /// <returns>The key added (or null), and every key as stored afterwards.</returns>
    public async Task<(StoredSigningKey? Added, IReadOnlyList<StoredSigningKey> Keys)> AddIfDueAsync(Func<IReadOnlyList<StoredSigningKey>, StoredSigningKey?> decide, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLocks.SigningKeyRotation})", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        IReadOnlyList<StoredSigningKey> existing;
        await using (var command = new NpgsqlCommand($"SELECT {SelectColumns} FROM auth.signing_keys", connection, transaction))
        {
            existing = await ReadAsync(command, cancellationToken);
        }

        var key = decide(existing);
        if (key is not null)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO auth.signing_keys (kid, algorithm, public_jwk, private_key_encrypted, created_at, activates_at, retires_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                connection,
                transaction);
            command.Parameters.Add(new() { Value = key.Kid });
            command.Parameters.Add(new() { Value = key.Algorithm });
            command.Parameters.Add(new() { Value = key.PublicJwk, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new() { Value = key.PrivateKeyEncrypted });
            command.Parameters.Add(new() { Value = key.CreatedAt });
            command.Parameters.Add(new() { Value = key.Timeline.ActivatesAt });
            command.Parameters.Add(new() { Value = key.Timeline.RetiresAt });
            command.Parameters.Add(new() { Value = key.Timeline.ExpiresAt });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (key, key is null ? existing : [.. existing, key]);
    }

    /// <summary>Deletes keys no token can depend on any more.</summary>
    public async Task DeleteAsync(IReadOnlyCollection<string> kids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM auth.signing_keys WHERE kid = ANY($1)");
        command.Parameters.Add(new() { Value = kids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<StoredSigningKey>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<StoredSigningKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredSigningKey(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                new SigningKeyTimeline(
                    reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetFieldValue<DateTimeOffset>(7))));
        }

        return keys;
    }
}
