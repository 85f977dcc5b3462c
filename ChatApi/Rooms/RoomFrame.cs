namespace ChatApi.Rooms;

/// <summary>A room's <c>message</c> frame as this replica hands it to members: the bytes every member queues as they are.</summary>
/// <param name="SentAt">When it was stored (fan-out latency is measured from here).</param>
/// <param name="Bytes">The serialised frame.</param>
/// <param name="TraceParent">The storing replica's trace context, when it had one.</param>
internal readonly record struct RoomFrame(DateTimeOffset SentAt, ReadOnlyMemory<byte> Bytes, string? TraceParent);
