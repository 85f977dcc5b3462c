namespace ChatBench.Workload;

/// <summary>
/// The workload: <see cref="Connections"/> members in rooms of <see cref="RoomSize"/> (members alternating
/// between replicas where there are several), each sending at the step's rate for <see cref="StepDuration"/>.
/// </summary>
internal sealed record WorkloadShape(int Connections, int RoomSize, TimeSpan StepDuration, int ConnectConcurrency)
{
    /// <summary>
    /// An experiment, off in the workload: every member of a room on the same replica (rooms alternate
    /// instead of members), so no two replicas ever write or deliver the same room.
    /// </summary>
    public bool RoomsOnOneReplica { get; init; }

    /// <summary>How long the step waits after the last send for deliveries (and acks) to come in.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How late a sender may run behind its schedule before it stops (its unsent messages count as lost).</summary>
    public TimeSpan SendOverrun { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A step passes when at least this share of the expected deliveries arrived…</summary>
    public double RequiredDeliveredShare { get; init; } = 0.99;

    /// <summary>…and the delivery p99 is below this.</summary>
    public TimeSpan MaxDeliveryP99 { get; init; } = TimeSpan.FromMilliseconds(250);
}
