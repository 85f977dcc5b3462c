using System.Globalization;

namespace ChatBench.Measurement;

/// <summary>CPU seconds each process group used over a window of <see cref="Seconds"/>.</summary>
internal sealed record CpuUsage(double Seconds, IReadOnlyList<CpuUsage.Group> Groups)
{
    public static CpuUsage None { get; } = new(0, []);

    /// <summary>CPU seconds of the system's own processes (the load generator left out).</summary>
    public double ServerCpuSeconds => Groups.Where(group => group.IsServer).Sum(group => group.CpuSeconds);

    /// <summary>The system's processes in cores (1.0 = one core busy for the whole window).</summary>
    public double ServerCores => Seconds > 0 ? ServerCpuSeconds / Seconds : 0;

    /// <summary>"chatapi-0 0.62, postgres 0.31, ..." in cores.</summary>
    public override string ToString() =>
        string.Join(", ", Groups.Select(group => string.Create(CultureInfo.InvariantCulture, $"{group.Name} {(Seconds > 0 ? group.CpuSeconds / Seconds : 0):0.00}")));

    public sealed record Group(string Name, double CpuSeconds, bool IsServer);
}
