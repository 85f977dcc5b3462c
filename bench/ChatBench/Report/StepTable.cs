using ChatBench.Workload;

namespace ChatBench.Report;

/// <summary>The per-step table printed while a system runs: rates, delivery, latencies and CPU of every process.</summary>
internal static class StepTable
{
    public const string Header =
        "| step | msg/s per member | sends/s | delivered msg/s | delivered | delivery p50 / p99 / max ms | ack p50 / p99 / max ms | generator's send lag p99 / max ms | CPU, cores (per process) | result |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    public static string Row(string step, StepResult result) =>
        $"| {step} | {Numbers.Decimal(result.RatePerMember, "0.##")} | {Numbers.Count(result.OfferedPerSecond)} | {Numbers.Count(result.DeliveredPerSecond)} "
        + $"| {Numbers.Decimal(100 * result.DeliveredShare, "0.0")} % | {result.Delivery.Percentiles()} | {result.Acknowledgement.Percentiles()} "
        + $"| {Numbers.Decimal(result.SendLag.Milliseconds(99))} / {Numbers.Decimal(result.SendLag.Milliseconds(100))} | {result.Cpu} | {(result.Passed ? "pass" : "FAIL")}{(result.Failures.Length > 0 ? $" ({Shorten(result.Failures)})" : "")} |";

    private static string Shorten(string text) => (text.Length > 160 ? text[..160] + "…" : text).Replace('|', '/');
}
