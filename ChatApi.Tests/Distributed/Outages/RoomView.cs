namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// What one client has seen of one room, over all its sessions: its join point (the <c>lastId</c> of its first
/// <c>joined</c>), then every message id in the order received (resumed sessions' replays included), each tagged
/// with its session.
/// </summary>
public sealed class RoomView
{
    public long? JoinPoint { get; private set; }

    /// <summary>The highest id this client has seen in the room: the <c>since</c> of its next join.</summary>
    public long LastSeen { get; private set; }

    public List<(int Session, long Id)> Seen { get; } = [];

    public void FirstJoined(long lastId)
    {
        JoinPoint = lastId;
        LastSeen = lastId;
    }

    public void Resumed(long lastId) => LastSeen = Math.Max(LastSeen, lastId);

    public void Received(int session, long id)
    {
        Seen.Add((session, id));
        LastSeen = Math.Max(LastSeen, id);
    }
}
