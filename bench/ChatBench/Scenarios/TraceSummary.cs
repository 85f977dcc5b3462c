using ChatBench.Report;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ChatBench.Scenarios;

/// <summary>
/// Reads the profile's EventPipe traces. The sampled thread stacks (dotnet-sampled-thread-time) sample every managed
/// thread whether it runs or waits, so stacks whose leaf is a blocking wait are set aside and the rest ranked: that
/// is where the busy threads were. The GC trace gives allocations by type (a tick per ~100 KB) and the pauses.
/// </summary>
internal static class TraceSummary
{
    private const string SampleProvider = "Microsoft-DotNETCore-SampleProfiler";

    // Leaf frames of a thread that is parked: thread pool idle, timer and gate threads, event and counter loops, sleeps.
    private static readonly string[] Waits =
    [
        "LowLevelLifoSemaphore.WaitNative", "LowLevelLifoSemaphore.Wait", "WaitHandle.WaitOneNoCheck", "Monitor.Wait",
        "Thread.Sleep", "Interop+Sys.WaitForSocketEvents", "Interop+Sys.Read", "Interop+Sys.Poll", "Thread.Join",
        "WaitSubsystem", "Interop+Sys.LowLevelMonitor_Wait", "Interop+Sys.LowLevelMonitor_TimedWait",
    ];

    // Leaf frames of a thread that wants to run but cannot: stopped at a suspension (a GC, or the sampler walking the
    // stacks), or waiting for a contended lock.
    private static readonly string[] SuspendedForGc = ["Thread.PollGC", "PollGCWorker"];
    private static readonly string[] LockWaits = ["Monitor.Enter_Slowpath", "Lock.TryEnterSlow", "LowLevelSpinWaiter.Wait", "Lock.EnterAndGetCurrentThreadId"];

    public static void WriteBusyStacks(TextWriter writer, string nettrace, int top)
    {
        using var log = Open(nettrace);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var areas = new Dictionary<string, int>(StringComparer.Ordinal);
        var lockSites = new Dictionary<string, int>(StringComparer.Ordinal);
        int samples = 0, busy = 0, gc = 0, locks = 0, spinning = 0;
        foreach (var sample in log.Events.Where(e => e.ProviderName == SampleProvider))
        {
            var frames = Frames(sample.CallStack());
            samples++;
            if (IsParked(frames))
            {
                continue;
            }

            if (SuspendedForGc.Any(frame => frames[0].Contains(frame, StringComparison.Ordinal)))
            {
                gc++;
                continue;
            }

            if (frames.Take(3).Any(frame => frame.Contains("LowLevelLifoSemaphore.Wait", StringComparison.Ordinal)))
            {
                // A worker with nothing to do spins a while before it parks: CPU spent, no work done.
                spinning++;
                continue;
            }

            if (LockWaits.Any(frame => frames[0].Contains(frame, StringComparison.Ordinal)))
            {
                locks++;
                var site = Site(frames, frame => LockWaits.Any(wait => frame.Contains(wait, StringComparison.Ordinal)) || frame.StartsWith("System.Threading.Monitor.", StringComparison.Ordinal));
                lockSites[site] = lockSites.GetValueOrDefault(site) + 1;
                continue;
            }

            busy++;
            exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
            foreach (var frame in frames.Distinct(StringComparer.Ordinal))
            {
                inclusive[frame] = inclusive.GetValueOrDefault(frame) + 1;
            }

            var area = AreaOf(frames);
            areas[area] = areas.GetValueOrDefault(area) + 1;
        }

        writer.WriteLine(
            $"{Numbers.Count(samples)} thread samples: {Numbers.Count(busy)} running or runnable, {Numbers.Count(spinning)} thread-pool workers spinning "
            + $"for work before parking, {Numbers.Count(gc)} stopped at a runtime suspension (a GC, or the sampler itself), "
            + $"{Numbers.Count(locks)} waiting for a contended lock, the rest parked (idle workers, timer, event and counter loops). "
            + "Shares below are of the running samples.");
        writer.WriteLine();
        writer.WriteLine("| area (first recognised frame from the leaf up) | busy samples |");
        writer.WriteLine("| --- | --- |");
        foreach (var (area, count) in areas.OrderByDescending(pair => pair.Value))
        {
            writer.WriteLine($"| {area} | {Share(count, busy)} |");
        }

        Ranking(writer, "exclusive (leaf frame)", exclusive, busy, top);
        Ranking(writer, "contended locks, by where they were taken (share of lock waits)", lockSites, locks, 10);
        Ranking(writer, "inclusive (anywhere on the stack)", inclusive, busy, top);
    }

    public static void WriteAllocationsAndPauses(TextWriter writer, string nettrace, int top)
    {
        using var log = Open(nettrace);
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        var pauses = new List<double>();
        double? suspended = null;
        var collections = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var data in log.Events)
        {
            switch (data)
            {
                case GCAllocationTickTraceData tick:
                    total += tick.AllocationAmount64;
                    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
                    var site = Site(Frames(tick.CallStack()), IsAllocationPlumbing);
                    bySite[site] = bySite.GetValueOrDefault(site) + tick.AllocationAmount64;
                    break;
                case GCStartTraceData start:
                    var generation = $"gen{start.Depth} ({start.Reason})";
                    collections[generation] = collections.GetValueOrDefault(generation) + 1;
                    break;
                case GCSuspendEETraceData suspend:
                    suspended = suspend.TimeStampRelativeMSec;
                    break;
                case GCNoUserDataTraceData restart when restart.EventName.Contains("RestartEEStop", StringComparison.Ordinal) && suspended is { } from:
                    pauses.Add(restart.TimeStampRelativeMSec - from);
                    suspended = null;
                    break;
            }
        }

        var seconds = log.SessionDuration.TotalSeconds;
        writer.WriteLine(
            $"{Numbers.Decimal(seconds)} s traced: about {Numbers.Count(total / seconds / 1024)} KiB/s allocated (from allocation ticks); "
            + $"{pauses.Count} GC pauses, total {Numbers.Decimal(pauses.Sum())} ms, longest {Numbers.Decimal(pauses.DefaultIfEmpty().Max())} ms; "
            + $"collections: {string.Join(", ", collections.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} ×{pair.Value}"))}.");
        Ranking(writer, "allocated bytes by type", byType, total, top);
        Ranking(writer, "allocated bytes by allocating method", bySite, total, top);
    }

    /// <summary>Idle: a parked leaf, a worker between items (its wait's frames elided), or the socket engine in epoll.</summary>
    private static bool IsParked(List<string> frames) =>
        frames.Count == 0
        || Waits.Any(wait => frames[0].Contains(wait, StringComparison.Ordinal))
        || (frames.Count <= 2 && frames[0].EndsWith("WorkerThread.WorkerThreadStart", StringComparison.Ordinal))
        || (frames[0].StartsWith("?!", StringComparison.Ordinal) && frames.Count > 1 && frames[1].EndsWith("SocketAsyncEngine.EventLoop", StringComparison.Ordinal));

    /// <summary>The first two frames (callee &lt; caller) from the leaf up that are not <paramref name="skip"/>.</summary>
    private static string Site(List<string> frames, Func<string, bool> skip) =>
        string.Join(" < ", frames.SkipWhile(skip).Take(2).DefaultIfEmpty("?"));

    private static TraceLog Open(string nettrace) => new(TraceLog.CreateFromEventPipeDataFile(nettrace));

    /// <summary>Method names from the leaf up.</summary>
    private static List<string> Frames(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (; stack is not null; stack = stack.Caller)
        {
            var method = stack.CodeAddress.FullMethodName;
            frames.Add(string.IsNullOrEmpty(method) ? $"?!{stack.CodeAddress.ModuleName}" : Shorten(method));
        }

        return frames;
    }

    private static string Shorten(string method)
    {
        var parameters = method.IndexOf('(', StringComparison.Ordinal);
        return parameters > 0 ? method[..parameters] : method;
    }

    private static bool IsAllocationPlumbing(string frame) =>
        frame.StartsWith("System.GC.", StringComparison.Ordinal) || frame.StartsWith("?!", StringComparison.Ordinal)
        || frame.Contains("AllocateUninitializedArray", StringComparison.Ordinal) || frame.Contains("InternalAlloc", StringComparison.Ordinal);

    /// <summary>Which part of the stack the sample belongs to, by the first frame (from the leaf up) of a known area.</summary>
    private static string AreaOf(List<string> frames)
    {
        foreach (var frame in frames)
        {
            var area = frame switch
            {
                _ when frame.StartsWith("ChatApi.", StringComparison.Ordinal) => "ChatApi code",
                _ when frame.StartsWith("Npgsql.", StringComparison.Ordinal) => "Npgsql",
                _ when frame.StartsWith("StackExchange.Redis.", StringComparison.Ordinal) => "StackExchange.Redis",
                _ when frame.StartsWith("OpenTelemetry.", StringComparison.Ordinal) || frame.StartsWith("System.Diagnostics.Activity", StringComparison.Ordinal)
                    || frame.StartsWith("System.Diagnostics.Metrics", StringComparison.Ordinal) => "telemetry (Activity, metrics, OpenTelemetry)",
                _ when frame.StartsWith("System.Text.Json.", StringComparison.Ordinal) => "System.Text.Json",
                _ when frame.StartsWith("System.Net.WebSockets.", StringComparison.Ordinal) => "WebSockets",
                _ when frame.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) => "ASP.NET Core / Kestrel",
                _ when frame.StartsWith("System.Net.Sockets.", StringComparison.Ordinal) => "sockets",
                _ when frame.StartsWith("System.Threading.", StringComparison.Ordinal) => null,
                _ => null,
            };
            if (area is not null)
            {
                return area;
            }
        }

        return frames.Any(frame => frame.StartsWith("System.Threading.", StringComparison.Ordinal)) ? "thread pool, timers, tasks" : "other / runtime";
    }

    private static void Ranking<T>(TextWriter writer, string title, Dictionary<string, T> counts, double whole, int top)
        where T : System.Numerics.INumber<T>
    {
        writer.WriteLine();
        writer.WriteLine($"| top {title} | share |");
        writer.WriteLine("| --- | --- |");
        foreach (var (name, count) in counts.OrderByDescending(pair => pair.Value).Take(top))
        {
            writer.WriteLine($"| {name.Replace('|', '/')} | {Share(double.CreateChecked(count), whole)} |");
        }
    }

    private static string Share(double part, double whole) => $"{Numbers.Decimal(100 * part / Math.Max(1, whole))} %";
}
