using System.Globalization;
using System.Runtime.InteropServices;

namespace AppHost.Testing;

/// <summary>
/// Signals for fault injection, sent to a resource's whole process tree: a project runs as <c>dotnet run</c> with the
/// service as its child, and PostgreSQL as a postmaster with one backend per connection, so freezing only the
/// process the orchestrator started would leave the part that answers running.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    public static void Kill(int root) => Signal(root, SigKill);

    public static void Freeze(int root) => Signal(root, SigStop);

    public static void Thaw(int root) => Signal(root, SigCont);

    /// <summary>The root and every descendant alive now (read from <c>/proc/*/stat</c>).</summary>
    public static IReadOnlyList<int> Of(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
        }

        var tree = new List<int> { root };
        for (var index = 0; index < tree.Count; index++)
        {
            tree.AddRange(parents.Where(pair => pair.Value == tree[index]).Select(pair => pair.Key));
        }

        return tree;
    }

    private static void Signal(int root, int signal)
    {
        // Children first when stopping, so none of them reacts to its parent's state before it is frozen itself.
        foreach (var pid in Of(root).Reverse())
        {
            _ = SendSignal(pid, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
