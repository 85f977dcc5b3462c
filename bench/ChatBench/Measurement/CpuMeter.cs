using System.Diagnostics;

namespace ChatBench.Measurement;

/// <summary>CPU time of process groups over a window, from <c>/proc</c>: started by <see cref="Start"/>, read by <see cref="Stop"/>.</summary>
internal sealed class CpuMeter
{
    private readonly IReadOnlyList<ProcessGroup> _groups;
    private readonly List<Dictionary<int, (long Own, long ReapedChildren)>> _start;
    private readonly long _startTimestamp;

    private CpuMeter(IReadOnlyList<ProcessGroup> groups)
    {
        _groups = groups;
        _start = [.. groups.Select(Sample)];
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(IReadOnlyList<ProcessGroup> groups) => new(groups);

    public CpuUsage Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var usage = new List<CpuUsage.Group>();
        for (var index = 0; index < _groups.Count; index++)
        {
            var before = _start[index];
            long ticks = 0;
            foreach (var (pid, now) in Sample(_groups[index]))
            {
                // A process that started during the window counts from zero; one that ended and was reaped shows in
                // its parent's children's times (when the parent is in the group). One that ended unreaped is lost.
                var then = before.GetValueOrDefault(pid);
                ticks += now.Own - then.Own + (now.ReapedChildren - then.ReapedChildren);
            }

            usage.Add(new CpuUsage.Group(_groups[index].Name, ticks / ProcFs.TicksPerSecond, _groups[index].IsServer));
        }

        return new CpuUsage(seconds, usage);
    }

    private static Dictionary<int, (long Own, long ReapedChildren)> Sample(ProcessGroup group)
    {
        var sample = new Dictionary<int, (long Own, long ReapedChildren)>();
        foreach (var pid in group.Processes())
        {
            if (ProcFs.CpuTicks(pid) is { } ticks)
            {
                sample[pid] = ticks;
            }
        }

        return sample;
    }
}
