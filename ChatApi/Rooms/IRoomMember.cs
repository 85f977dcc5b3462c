namespace ChatApi.Rooms;

/// <summary>A local participant of a room (a connection).</summary>
public interface IRoomMember
{
    /// <summary>
    /// A frame of one of the member's rooms: its <c>joined</c> frame, then every message stored after it, in id order,
    /// once. Called under the room's sequencer, so it must not block: it queues (or drops a client too slow to read).
    /// </summary>
    void Send(ReadOnlyMemory<byte> frame);
}
