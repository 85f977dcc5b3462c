using System.Collections.Concurrent;

namespace KestrelBroadcast;

/// <summary>The rooms that have members in this process; a room goes away with its last member.</summary>
public sealed class RoomRegistry
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public void Join(string name, BroadcastConnection member)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(name, _ => new Room());
            if (room.TryAdd(member))
            {
                return;
            }

            // The room emptied and closed between the lookup and the add: make a new one.
            _rooms.TryRemove(new KeyValuePair<string, Room>(name, room));
        }
    }

    public void Leave(string name, BroadcastConnection member)
    {
        if (_rooms.TryGetValue(name, out var room) && room.Remove(member))
        {
            _rooms.TryRemove(new KeyValuePair<string, Room>(name, room));
        }
    }

    public void Broadcast(string name, ReadOnlyMemory<byte> frame)
    {
        if (_rooms.TryGetValue(name, out var room))
        {
            foreach (var member in room.Members)
            {
                member.Enqueue(frame);
            }
        }
    }
}
