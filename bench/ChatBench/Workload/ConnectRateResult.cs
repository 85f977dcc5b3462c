using ChatBench.Measurement;

namespace ChatBench.Workload;

/// <summary>Connects completed by the connectors over the window, and their latency; 503 answers apart from failures.</summary>
internal sealed record ConnectRateResult(string Case, int Connectors, long Connects, long Unavailable, double Seconds, Latency Latency, string Failures)
{
    public double PerSecond => Seconds > 0 ? Connects / Seconds : 0;
}
