namespace AppHost.HostExecutables;

/// <summary>Finds the server programs on PATH and where Debian, Homebrew and source builds install them.</summary>
internal static class HostBinaries
{
    public static string RequirePostgresBinDirectory() => FindPostgresBinDirectory() ?? throw Missing(
        "PostgreSQL (initdb and postgres)",
        "sudo apt-get install -y postgresql   (macOS: brew install postgresql@16)");

    public static string RequireRedisServer() => Find("redis-server", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin") ?? throw Missing(
        "Redis (redis-server)",
        "sudo apt-get install -y redis-server   (macOS: brew install redis)");

    private static DistributedApplicationException Missing(string what, string install) => new(
        $"{what} is not installed, and no container engine answers, so there is nothing to run it with. "
        + $"Install it: {install}; or run eng/bootstrap.sh, which installs both; or start Docker or Podman "
        + "(README, \"PostgreSQL and Redis\").");

    private static string? Find(string name, params IEnumerable<string> extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The directory that holds both initdb and postgres, newest Debian version first.</summary>
    private static string? FindPostgresBinDirectory()
    {
        IEnumerable<string> versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .OrderByDescending(directory => int.TryParse(Path.GetFileName(directory), out var major) ? major : 0)
                .Select(directory => Path.Combine(directory, "bin"))
            : [];

        // A PATH entry counts only when initdb sits next to postgres (Debian links initdb alone into PATH).
        var initdb = Find("initdb", [.. versioned, "/opt/homebrew/bin", "/usr/local/bin", "/usr/local/pgsql/bin"]);
        if (initdb is null)
        {
            return null;
        }

        var directory = Path.GetDirectoryName(new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb)!;
        return File.Exists(Path.Combine(directory, "postgres")) ? directory : null;
    }
}
