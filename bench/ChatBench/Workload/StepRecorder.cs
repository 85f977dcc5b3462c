using ChatBench.Clients;
using ChatBench.Measurement;

namespace ChatBench.Workload;

/// <summary>What one step's clients received: delivery and ack counts and latencies (from the due time in the text), failures.</summary>
internal sealed class StepRecorder : FailureLog
{
    private long _sent;
    private long _delivered;
    private long _acknowledged;

    public Latency Delivery { get; } = new();

    public Latency Acknowledgement { get; } = new();

    /// <summary>How late the load generator sent (due time to the moment it wrote): its share of the latencies.</summary>
    public Latency SendLag { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    public long DeliveredCount => Interlocked.Read(ref _delivered);

    public long AcknowledgedCount => Interlocked.Read(ref _acknowledged);

    public void MessageSent() => Interlocked.Increment(ref _sent);

    public override void Delivered(long sentTimestamp)
    {
        Delivery.Record(sentTimestamp);
        Interlocked.Increment(ref _delivered);
    }

    public override void Acknowledged(long sentTimestamp)
    {
        Acknowledgement.Record(sentTimestamp);
        Interlocked.Increment(ref _acknowledged);
    }
}
