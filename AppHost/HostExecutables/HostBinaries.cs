namespace AppHost.HostExecutables;

/// <summary>Finds the server programs on PATH and where Debian, Homebrew and source builds install them.</summary>
internal static class HostBinaries
{
    private static readonly string[] WellKnownDirectories = ["/usr/local/bin", "/usr/bin", "/opt/homebrew/bin", "/usr/local/pgsql/bin"];

    /// <summary>The directory that holds both initdb and postgres, newest Debian version first.</summary>
    /// <param name="searchDirectories">Where to look; default: PATH, Debian's /usr/lib/postgresql/*/bin, the usual places.</param>
    public static string RequirePostgresBinDirectory(IEnumerable<string>? searchDirectories = null)
    {
        // A directory counts only when initdb sits next to postgres (Debian links initdb alone into PATH).
        var initdb = Find("initdb", searchDirectories ?? [.. PathDirectories(), .. DebianPostgresDirectories(), .. WellKnownDirectories]);
        var directory = initdb is null ? null : Path.GetDirectoryName(new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb)!;
        return directory is not null && File.Exists(Path.Combine(directory, "postgres"))
            ? directory
            : throw Missing("PostgreSQL (initdb and postgres)", "sudo apt-get install -y postgresql   (macOS: brew install postgresql@16)");
    }

    /// <param name="searchDirectories">Where to look; default: PATH and the usual places.</param>
    public static string RequireRedisServer(IEnumerable<string>? searchDirectories = null) =>
        Find("redis-server", searchDirectories ?? [.. PathDirectories(), .. WellKnownDirectories])
        ?? throw Missing("Redis (redis-server)", "sudo apt-get install -y redis-server   (macOS: brew install redis)");

    private static MissingHostProgramException Missing(string what, string install)
    {
        // A person at a terminal needs the message, not a stack trace: when nothing above handles it (the AppHost's
        // own run, not a test), say it on one line and exit with code 2.
        AppDomain.CurrentDomain.UnhandledException += static (_, args) =>
        {
            if (args.ExceptionObject is MissingHostProgramException missing)
            {
                Console.Error.WriteLine(missing.Message);
                Environment.Exit(2);
            }
        };

        return new(
            $"{what} is not installed, and no container engine answers, so there is nothing to run it with. "
            + $"Install it: {install}; or run eng/bootstrap.sh, which installs both; or start Docker or Podman "
            + "(README, \"PostgreSQL and Redis\").");
    }

    private static string? Find(string name, IEnumerable<string> directories) =>
        directories.Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> DebianPostgresDirectories() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.EnumerateDirectories("/usr/lib/postgresql")
            .OrderByDescending(directory => int.TryParse(Path.GetFileName(directory), out var major) ? major : 0)
            .Select(directory => Path.Combine(directory, "bin"))
        : [];
}
