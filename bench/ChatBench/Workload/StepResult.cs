using ChatBench.Measurement;

namespace ChatBench.Workload;

/// <summary>One step at a fixed rate per member.</summary>
internal sealed record StepResult(
    double RatePerMember,
    int Connections,
    long Scheduled,
    long Sent,
    long Expected,
    long Delivered,
    long Acknowledged,
    double SendSeconds,
    Latency Delivery,
    Latency Acknowledgement,
    Latency SendLag,
    CpuUsage Cpu,
    string Failures,
    bool Passed)
{
    /// <summary>Sends per second the schedule asked for.</summary>
    public double OfferedPerSecond => RatePerMember * Connections;

    /// <summary>Messages received by members per second of sending (each send is delivered to every member of its room).</summary>
    public double DeliveredPerSecond => SendSeconds > 0 ? Delivered / SendSeconds : 0;

    public double DeliveredShare => Expected > 0 ? (double)Delivered / Expected : 0;

    /// <summary>The system's CPU time per delivered message, in microseconds.</summary>
    public double CpuMicrosecondsPerDelivery => Delivered > 0 ? Cpu.ServerCpuSeconds * 1e6 / Delivered : double.NaN;
}
