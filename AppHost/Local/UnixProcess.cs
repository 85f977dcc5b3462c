using System.Runtime.InteropServices;

namespace AppHost.Local;

/// <summary>The few POSIX calls the local orchestrator needs and .NET does not expose.</summary>
internal static partial class UnixProcess
{
    /// <summary>True when this process runs as root, where PostgreSQL must be started as another user.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && geteuid() == 0;

    public static bool Signal(int processId, UnixSignal signal) => kill(processId, SignalNumber(signal)) == 0;

    public static bool IsAlive(int processId) => kill(processId, 0) == 0 || Marshal.GetLastPInvokeError() == EPERM;

    /// <summary>
    /// Ids of the processes whose environment holds <paramref name="key"/>=<paramref name="value"/>. Every child the
    /// orchestrator starts carries a marker, inherited by its own children (PostgreSQL backends, the dashboard), so
    /// leftovers can be found after a crash and tests can prove nothing outlives a run. Linux only; empty elsewhere.
    /// </summary>
    public static IReadOnlyList<int> FindByEnvironment(string key, string value)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var marker = $"{key}={value}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var processId) || processId == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (environment.Split('\0').Contains(marker, StringComparer.Ordinal))
                {
                    found.Add(processId);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or belongs to someone we may not inspect.
            }
        }

        return found;
    }

    /// <summary>
    /// Signals a process and all its descendants (PostgreSQL serves each connection from a child of the postmaster,
    /// so freezing only the postmaster would leave open connections answering). The parent is signalled first so
    /// that a frozen parent cannot fork a child we did not see.
    /// </summary>
    public static void SignalTree(int processId, UnixSignal signal)
    {
        Signal(processId, signal);
        foreach (var descendant in Descendants(processId))
        {
            Signal(descendant, signal);
        }
    }

    /// <summary>All descendants of a process, from the parent ids in /proc/*/stat. Linux only; empty elsewhere.</summary>
    public static IReadOnlyList<int> Descendants(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var candidate))
            {
                continue;
            }

            try
            {
                // Format: "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(candidate);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we looked.
            }
        }

        var result = new List<int>();
        var pending = new Queue<int>([processId]);
        while (pending.TryDequeue(out var current))
        {
            foreach (var child in children.GetValueOrDefault(current) ?? [])
            {
                result.Add(child);
                pending.Enqueue(child);
            }
        }

        return result;
    }

    private static int SignalNumber(UnixSignal signal) => (signal, OperatingSystem.IsMacOS()) switch
    {
        (UnixSignal.Interrupt, _) => 2,
        (UnixSignal.Kill, _) => 9,
        (UnixSignal.Terminate, _) => 15,
        (UnixSignal.Stop, false) => 19,
        (UnixSignal.Stop, true) => 17,
        (UnixSignal.Continue, false) => 18,
        (UnixSignal.Continue, true) => 19,
        _ => throw new ArgumentOutOfRangeException(nameof(signal)),
    };

    private const int EPERM = 1;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
