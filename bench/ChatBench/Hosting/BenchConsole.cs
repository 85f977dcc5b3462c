namespace ChatBench.Hosting;

/// <summary>
/// Two outputs: the report (this process's standard output, only results) and the log (everything else: Aspire, the
/// services, the peers), a file named by <c>BENCH_LOG</c> (default <c>bench.log</c>). Console output is redirected to
/// the log so that nothing the hosting libraries print mixes with the tables.
/// </summary>
internal static class BenchConsole
{
    private static TextWriter? s_report;
    private static TextWriter? s_log;

    public static TextWriter Report => s_report ?? Console.Out;

    public static TextWriter Log => s_log ?? Console.Error;

    public static string LogPath { get; private set; } = string.Empty;

    public static void Redirect()
    {
        LogPath = Path.GetFullPath(Environment.GetEnvironmentVariable("BENCH_LOG") is { Length: > 0 } path ? path : "bench.log");
        s_report = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
        s_log = TextWriter.Synchronized(new StreamWriter(LogPath, append: false) { AutoFlush = true });
        Console.SetOut(s_log);
        Console.SetError(s_log);
    }

    /// <summary>A line for the person watching: to the report and the log.</summary>
    public static void Progress(string line)
    {
        Report.WriteLine(line);
        Log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
    }
}
