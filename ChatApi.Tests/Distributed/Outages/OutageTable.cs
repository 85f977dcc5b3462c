using System.Globalization;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// The fixed format the outage measurements are printed in, one markdown row per dependency and mode, so they can be
/// copied into docs/resilience.md as they are.
/// </summary>
public static class OutageTable
{
    public const string Header = "| dependency | mode | new connect | open session | `/health` (server / round trip) | recovery after it is back: `/health` 200 · connect · send acked |";

    public const string Rule = "| --- | --- | --- | --- | --- | --- |";

    public static string Row(string dependency, OutageMode mode, string newConnect, string openSession, string health, string recovery) =>
        $"| {dependency} | {mode.ToString().ToLowerInvariant()} | {newConnect} | {openSession} | {health} | {recovery} |";

    public static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");

    public static string S(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.00} s");

    /// <summary>The machine's load averages now (/proc/loadavg), printed with every measurement.</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? $"load average {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} on {Environment.ProcessorCount} cores" : "load unknown";
}
