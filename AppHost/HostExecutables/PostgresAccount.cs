using System.Diagnostics;

namespace AppHost.HostExecutables;

/// <summary>
/// PostgreSQL refuses to run as root. When the AppHost is root, initdb and the server run as the <c>postgres</c>
/// account (through setpriv), which then owns the data directory.
/// </summary>
internal static class PostgresAccount
{
    private const string Name = "postgres";

    public static bool IsNeeded => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>The command line that runs <paramref name="program"/> as the account when needed.</summary>
    public static IEnumerable<string> CommandLine(string program) => IsNeeded
        ? ["setpriv", $"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", program]
        : [program];

    /// <summary>
    /// Where the account can keep <paramref name="preferred"/>: the path itself, unless the account cannot reach it
    /// (a clone under /root), in which case a directory under /var/tmp named after it.
    /// </summary>
    public static string ReachableDirectory(string preferred)
    {
        if (!IsNeeded || IsTraversableByOthers(Path.GetDirectoryName(preferred)!))
        {
            return preferred;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(preferred)))[..12];
        return Path.Combine("/var/tmp", $"aspire-chat-postgres-{hash}");
    }

    public static async Task GiveAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        if (!IsNeeded)
        {
            return;
        }

        var chown = new ProcessStartInfo("chown") { RedirectStandardError = true };
        foreach (var argument in new[] { "-R", $"{Name}:{Name}" }.Concat(paths))
        {
            chown.ArgumentList.Add(argument);
        }

        using var process = Process.Start(chown)!;
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"chown to {Name} failed: {error.Trim()}");
        }
    }

    private static bool IsTraversableByOthers(string path)
    {
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if (directory.Exists && (directory.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
