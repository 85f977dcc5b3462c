namespace AppHost.HostExecutables;

/// <summary>Files that hold a password, and PostgreSQL's data directory, are for their owner only.</summary>
internal static class PrivateFile
{
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = Directory.Exists(path)
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, mode);
    }
}
