using Npgsql;

namespace AuthService.Users;

/// <summary>Users in <c>auth.users</c>. Every statement is parameterised.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts the user; false when the username is taken (the unique constraint decides, not a prior check).</summary>
    public async Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO auth.users (id, username, password_hash, created_at, disabled)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT ON CONSTRAINT users_username_key DO NOTHING
            """);
        command.Parameters.Add(new() { Value = user.Id });
        command.Parameters.Add(new() { Value = user.Username });
        command.Parameters.Add(new() { Value = user.PasswordHash });
        command.Parameters.Add(new() { Value = user.CreatedAt });
        command.Parameters.Add(new() { Value = user.Disabled });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, username, password_hash, created_at, disabled FROM auth.users WHERE username = $1");
        command.Parameters.Add(new() { Value = username });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<User?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, username, password_hash, created_at, disabled FROM auth.users WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Replaces a hash in an outdated format; only if it is still the one that was verified.</summary>
    public async Task UpdatePasswordHashAsync(Guid id, string verifiedHash, string newHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE auth.users SET password_hash = $3 WHERE id = $1 AND password_hash = $2");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = verifiedHash });
        command.Parameters.Add(new() { Value = newHash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<User?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new User(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetBoolean(4));
    }
}
