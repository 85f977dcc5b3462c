using System.Diagnostics;

namespace AppHost.Local;

/// <summary>Hands files to another user (chown), so PostgreSQL can own its data directory when we run as root.</summary>
internal static class FileOwnership
{
    public static async Task GiveToAsync(string user, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("chown") { RedirectStandardError = true };
        foreach (var argument in new[] { "-R", $"{user}:{user}" }.Concat(paths))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var chown = Process.Start(startInfo)!;
        var error = await chown.StandardError.ReadToEndAsync(cancellationToken);
        await chown.WaitForExitAsync(cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown to {user} failed: {error.Trim()}");
        }
    }

    /// <summary>True when every directory from the root down to <paramref name="path"/> lets other users pass through.</summary>
    public static bool IsTraversableByOthers(string path)
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
