using Npgsql;

namespace AppHost.Local;

/// <summary>
/// PostgreSQL from the machine's binaries: initdb on first use, the server on loopback only, and the <c>chatdb</c>
/// database created once it accepts connections (Aspire's <c>AddPostgres(...).AddDatabase(...)</c>).
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. When the orchestrator is root, initdb and the server run as the
/// <c>postgres</c> user (setpriv), in a data directory that user owns.
/// </remarks>
public sealed class PostgresResource : LocalResource
{
    public const string ServiceUser = "postgres";
    private readonly string _binDirectory;
    private readonly string _password;

    internal PostgresResource(LocalRunContext context, string binDirectory, string dataDirectory, int port, string password, string databaseName)
        : base(context, "postgres", [])
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        _password = password;
        DatabaseName = databaseName;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string DatabaseName { get; }

    /// <summary>What a service receives as <c>ConnectionStrings:chatdb</c>.</summary>
    public string ConnectionString => ConnectionStringFor(DatabaseName);

    public override string Describe() => $"127.0.0.1:{Port} (database {DatabaseName}, data {DataDirectory})";

    // Fast shutdown: roll back open transactions, close connections, checkpoint, exit.
    private protected override UnixSignal StopSignal => UnixSignal.Interrupt;

    private protected override ProcessLaunch CreateLaunch()
    {
        List<string> arguments =
        [
            "-D", DataDirectory,
            "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
        ];
        foreach (var setting in Context.Options.PostgresSettings)
        {
            arguments.AddRange(["-c", setting]);
        }

        return new ProcessLaunch(Name, Path.Combine(_binDirectory, "postgres"), arguments, BaseEnvironment(), DataDirectory, RunAsUser());
    }

    private protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        Context.Log($"postgres: initialising a new cluster in {DataDirectory}");
        Directory.CreateDirectory(DataDirectory);
        var passwordFile = Path.Combine(Path.GetDirectoryName(DataDirectory)!, $".pgpass-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, _password, cancellationToken);
        try
        {
            if (UnixProcess.IsRoot)
            {
                await FileOwnership.GiveToAsync(ServiceUser, [DataDirectory, passwordFile], cancellationToken);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var launch = new ProcessLaunch(
                Name,
                Path.Combine(_binDirectory, "initdb"),
                ["-D", DataDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-locale", "--no-sync"],
                BaseEnvironment(),
                Path.GetDirectoryName(DataDirectory)!,
                RunAsUser());
            using var initdb = ChildProcess.Start(launch, Context.Sink);
            var exitCode = await initdb.Exited.WaitAsync(cancellationToken);
            if (exitCode != 0)
            {
                throw new ResourceStartException(Name, $"initdb failed with exit code {exitCode} (its output is above).");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false;Timeout=2");
        await connection.OpenAsync(cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new() { Value = DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // The name is ours (configuration, not user input); identifiers cannot be parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            Context.Log($"postgres: created database {DatabaseName}");
        }

        return true;
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = _password,
        Database = database,
    }.ConnectionString;

    private static string? RunAsUser() => UnixProcess.IsRoot ? ServiceUser : null;
}
