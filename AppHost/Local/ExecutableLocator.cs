namespace AppHost.Local;

/// <summary>Finds programs on PATH and in the few places Debian-style packages install server binaries.</summary>
internal static class ExecutableLocator
{
    public static string? Find(string name, params IEnumerable<string> extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The directory holding PostgreSQL's initdb and postgres, newest version first.</summary>
    public static string? FindPostgresBinDirectory()
    {
        IEnumerable<string> versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .OrderByDescending(directory => int.TryParse(Path.GetFileName(Path.GetDirectoryName(directory)), out var major) ? major : 0)
            : [];
        string[] others = ["/opt/homebrew/bin", "/usr/local/bin", "/usr/local/pgsql/bin"];

        // A PATH entry wins only when initdb sits next to postgres (a symlinked postgres alone is not enough).
        var initdb = Find("initdb", [.. versioned, .. others]);
        if (initdb is null)
        {
            return null;
        }

        var directory = Path.GetDirectoryName(ResolveLinks(initdb))!;
        return File.Exists(Path.Combine(directory, "postgres")) ? directory : null;
    }

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
