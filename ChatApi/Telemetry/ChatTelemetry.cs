using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatApi.Telemetry;

/// <summary>
/// ChatApi's sessions and messages, as spans (a message's path: receive → persist → publish → deliver) and metrics,
/// both named <c>ChatApi</c> and exported through OpenTelemetry by ServiceDefaults.
/// </summary>
public sealed class ChatTelemetry
{
    public const string Name = "ChatApi";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly UpDownCounter<long> _openConnections;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _framesIn;
    private readonly Counter<long> _framesOut;
    private readonly Counter<long> _persisted;
    private readonly Counter<long> _persistFailures;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _persistDuration;
    private readonly Histogram<double> _fanOutLatency;
    private readonly Counter<long> _queueDrops;
    private readonly Counter<long> _gapFills;
    private readonly Counter<long> _rejections;
    private long _memberships;

    public ChatTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _openConnections = meter.CreateUpDownCounter<long>("chat.connections.open", description: "Open WebSocket sessions");
        _transitions = meter.CreateCounter<long>("chat.connections.transitions", description: "Connection state transitions");
        _rejections = meter.CreateCounter<long>("chat.connections.rejected", description: "Connections refused before the upgrade, by status");
        _framesIn = meter.CreateCounter<long>("chat.frames.received", description: "Frames received from clients");
        _framesOut = meter.CreateCounter<long>("chat.frames.sent", description: "Frames sent to clients");
        _persisted = meter.CreateCounter<long>("chat.messages.persisted", description: "Messages stored in chatdb");
        _persistFailures = meter.CreateCounter<long>("chat.messages.persist_failures", description: "Sends that could not be stored");
        _batchSize = meter.CreateHistogram<long>("chat.persist.batch_size", description: "Sends per persistence batch");
        _persistDuration = meter.CreateHistogram<double>("chat.persist.duration", unit: "ms", description: "Time to store one batch");
        _fanOutLatency = meter.CreateHistogram<double>("chat.fanout.latency", unit: "ms", description: "From storing a message to handing it to local members");
        _queueDrops = meter.CreateCounter<long>("chat.outbound.drops", description: "Clients closed because their outbound queue was full");
        _gapFills = meter.CreateCounter<long>("chat.fanout.gap_fills", description: "Messages read back from chatdb because pub/sub skipped them");
        // Observed, not added to: the count is read when exported, and a test compares it before and after a session
        // to prove that whatever ended the session, its memberships went with it.
        meter.CreateObservableUpDownCounter("chat.room.memberships", () => Memberships, description: "Room memberships of this node's sessions");
    }

    /// <summary>Room memberships of this node's sessions right now (what <c>chat.room.memberships</c> reports).</summary>
    public long Memberships => Interlocked.Read(ref _memberships);

    public void MembershipAdded() => Interlocked.Increment(ref _memberships);

    public void MembershipRemoved() => Interlocked.Decrement(ref _memberships);

    public void ConnectionOpened() => _openConnections.Add(1);

    public void ConnectionClosed() => _openConnections.Add(-1);

    public void Transition(string from, string to) =>
        _transitions.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to));

    public void Rejected(int status) => _rejections.Add(1, new KeyValuePair<string, object?>("status", status));

    public void FrameReceived(string type) => _framesIn.Add(1, new KeyValuePair<string, object?>("type", type));

    public void FrameSent() => _framesOut.Add(1);

    public void Persisted(int stored, int batchSize, TimeSpan duration)
    {
        _persisted.Add(stored);
        _batchSize.Record(batchSize);
        _persistDuration.Record(duration.TotalMilliseconds);
    }

    public void PersistFailed(int count) => _persistFailures.Add(count);

    public void FannedOut(TimeSpan latency) => _fanOutLatency.Record(latency.TotalMilliseconds);

    public void QueueDropped() => _queueDrops.Add(1);

    public void GapFilled(int count) => _gapFills.Add(count);
}
