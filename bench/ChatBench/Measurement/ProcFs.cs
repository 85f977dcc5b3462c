using System.Globalization;

namespace ChatBench.Measurement;

/// <summary>What Linux reports about a process in <c>/proc</c>: CPU time and resident memory.</summary>
internal static class ProcFs
{
    /// <summary>USER_HZ, the unit of the times in <c>/proc/PID/stat</c>: 100 on every Linux ABI .NET runs on.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>
    /// User + system CPU ticks of the process itself, and separately those of its children that have exited and been
    /// reaped (PostgreSQL backends that end during a step); null when the process is gone.
    /// </summary>
    public static (long Own, long ReapedChildren)? CpuTicks(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 once pid and comm are cut off.
            var own = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var children = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            return (own, children);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resident set size in KiB (VmRSS); 0 when the process is gone.</summary>
    public static long RssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }

        return 0;
    }

    /// <summary>The 1-, 5- and 15-minute load averages, as <c>/proc/loadavg</c> has them.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
