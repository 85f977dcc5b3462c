using ChatApi.Protocol;

namespace ChatApi.Rooms;

/// <summary>A local participant of a room (a connection). Delivery must not block: it queues or drops.</summary>
public interface IRoomMember
{
    /// <summary>A message of <paramref name="message"/>'s room in id order, with its serialised <c>message</c> frame.</summary>
    void Deliver(StoredMessage message, ReadOnlyMemory<byte> frame);
}
