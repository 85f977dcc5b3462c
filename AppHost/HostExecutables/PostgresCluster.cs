using System.Diagnostics;
using Npgsql;

namespace AppHost.HostExecutables;

/// <summary>What AddPostgres's container image does on its own: initialise the cluster once, create the databases.</summary>
internal static partial class PostgresCluster
{
    /// <summary>initdb with the generated password, the first time the data directory is used.</summary>
    public static async Task InitialiseAsync(PostgresExecutableResource server, string binDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var dataDirectory = server.DataDirectory;
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        LogInitialising(logger, dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        PrivateFile.Restrict(dataDirectory);

        // The password reaches initdb through a file only its account can read, never through a command line.
        var passwordFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, $".pgpass-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, await server.PasswordParameter.GetValueAsync(cancellationToken), cancellationToken);
        PrivateFile.Restrict(passwordFile);
        try
        {
            await PostgresAccount.GiveAsync([dataDirectory, passwordFile], cancellationToken);
            var initdb = new ProcessStartInfo
            {
                WorkingDirectory = Path.GetDirectoryName(dataDirectory)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            string[] arguments =
            [
                .. PostgresAccount.CommandLine(Path.Combine(binDirectory, "initdb")),
                "-D", dataDirectory, "-U", PostgresExecutableResource.UserName, "--auth=scram-sha-256", $"--pwfile={passwordFile}",
                "-E", "UTF8", "--no-locale", "--no-sync",
            ];
            initdb.FileName = arguments[0];
            foreach (var argument in arguments.Skip(1))
            {
                initdb.ArgumentList.Add(argument);
            }

            using var process = Process.Start(initdb)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new DistributedApplicationException($"initdb failed with exit code {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
            }

            LogInitialised(logger);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Creates the server's databases that do not exist yet (AddDatabase's work once the server is ready).</summary>
    public static async Task CreateDatabasesAsync(PostgresExecutableResource server, ILogger logger, CancellationToken cancellationToken)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
        await using var connection = new NpgsqlConnection($"{connectionString};Database=postgres");
        await connection.OpenAsync(cancellationToken);
        foreach (var databaseName in server.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new() { Value = databaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                continue;
            }

            // The name comes from the app model, not from users; identifiers cannot be parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreatedDatabase(logger, databaseName);
        }
    }

    [LoggerMessage(LogLevel.Information, "Initialising a new PostgreSQL cluster in {DataDirectory}")]
    private static partial void LogInitialising(ILogger logger, string dataDirectory);

    [LoggerMessage(LogLevel.Information, "PostgreSQL cluster initialised")]
    private static partial void LogInitialised(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Created database {Database}")]
    private static partial void LogCreatedDatabase(ILogger logger, string database);
}
