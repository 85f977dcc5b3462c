using ChatBench.Workload;

namespace ChatBench.Report;

/// <summary>The issue's table: one column per system, then ours ÷ each peer.</summary>
internal static class ComparisonTable
{
    private const string Ours = "ours";

    public static void Write(TextWriter writer, IReadOnlyList<SystemReport> reports, int connectors)
    {
        var ours = reports.FirstOrDefault(report => report.Name == Ours);
        var peers = reports.Where(report => report.Name != Ours).ToList();
        var idle = reports.Select(report => report.Idle.Connections).DefaultIfEmpty().Max();

        writer.WriteLine($"| | {string.Join(" | ", reports.Select(report => report.Title))} |{string.Concat(ours is null ? [] : peers.Select(peer => $" ours ÷ {peer.Title} |"))}");
        writer.WriteLine($"| --- |{string.Concat(reports.Select(_ => " --- |"))}{string.Concat(ours is null ? [] : peers.Select(_ => " --- |"))}");

        Row("peak delivered msg/s (99 % delivered, p99 < 250 ms)", report => report.Peak?.DeliveredPerSecond ?? double.NaN, Numbers.Count);
        Row("↳ at msg/s per member", report => report.Peak?.RatePerMember ?? double.NaN, value => Numbers.Decimal(value, "0.##"), ratio: false);
        Row("delivery p50 ms at 50 % of own peak", report => report.HalfPeak?.Delivery.Milliseconds(50) ?? double.NaN, Milliseconds);
        Row("delivery p99 ms at 50 % of own peak", report => report.HalfPeak?.Delivery.Milliseconds(99) ?? double.NaN, Milliseconds);
        Row("delivery max ms at 50 % of own peak", report => report.HalfPeak?.Delivery.Milliseconds(100) ?? double.NaN, Milliseconds);
        writer.WriteLine($"| ack p50 / p99 / max ms at 50 % of own peak | {string.Join(" | ", reports.Select(report => report.Acknowledges ? report.HalfPeak?.Acknowledgement.Percentiles() ?? "n/a" : "no acks"))} |{string.Concat(ours is null ? [] : peers.Select(_ => " |"))}");
        Row("system CPU at 50 % of own peak, cores", report => report.HalfPeak?.Cpu.ServerCores ?? double.NaN, value => Numbers.Decimal(value, "0.00"));
        Row("system CPU per delivered message, µs", report => report.HalfPeak?.CpuMicrosecondsPerDelivery ?? double.NaN, value => Numbers.Decimal(value, "0.0"));
        Row($"RSS per idle connection, KiB ({Numbers.Count(idle)} connections)", report => report.Idle.KiBPerConnection, value => Numbers.Decimal(value, "0.0"));
        Row($"connects/s, {connectors} connectors (ours: cached token; peers: no auth)", report => Connect(report, "cached token")?.PerSecond ?? double.NaN, Numbers.Count);
        Row("↳ connect p50 ms", report => Connect(report, "cached token")?.Latency.Milliseconds(50) ?? double.NaN, Milliseconds);
        Row("↳ connect p99 ms", report => Connect(report, "cached token")?.Latency.Milliseconds(99) ?? double.NaN, Milliseconds);
        Row($"connects/s, {connectors} connectors (ours: fresh tokens; peers: no auth)", report => Connect(report, "fresh tokens")?.PerSecond ?? double.NaN, Numbers.Count);
        Row("↳ connect p50 ms", report => Connect(report, "fresh tokens")?.Latency.Milliseconds(50) ?? double.NaN, Milliseconds);
        Row("↳ connect p99 ms", report => Connect(report, "fresh tokens")?.Latency.Milliseconds(99) ?? double.NaN, Milliseconds);

        writer.WriteLine();
        writer.WriteLine("What differs between the systems:");
        writer.WriteLine();
        foreach (var report in reports)
        {
            writer.WriteLine($"- **{report.Title}**: {report.Notes}");
        }

        void Row(string label, Func<SystemReport, double> value, Func<double, string> format, bool ratio = true)
        {
            var cells = reports.Select(report => format(value(report)));
            var ratios = ours is null
                ? []
                : peers.Select(peer => ratio ? Numbers.Ratio(value(ours), value(peer)) : string.Empty);
            writer.WriteLine($"| {label} | {string.Join(" | ", cells)} |{string.Concat(ratios.Select(cell => $" {cell} |"))}");
        }
    }

    /// <summary>A peer has one kind of connect (no auth); it stands against each of ours.</summary>
    private static ConnectRateResult? Connect(SystemReport report, string ourCase) =>
        report.Connects.FirstOrDefault(result => result.Case == ourCase) ?? (report.Name == Ours ? null : report.Connects.FirstOrDefault());

    private static string Milliseconds(double value) => Numbers.Decimal(value, value < 10 ? "0.0" : "0");
}
