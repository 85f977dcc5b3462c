using System.Collections.Immutable;

namespace KestrelBroadcast;

/// <summary>One room's members: changed under a lock, read without one (broadcasts see a consistent snapshot).</summary>
public sealed class Room
{
    private readonly Lock _gate = new();
    private bool _closed;

    public ImmutableArray<BroadcastConnection> Members { get; private set; } = [];

    /// <summary>False when the room has closed (its last member left); the caller then uses a new one.</summary>
    public bool TryAdd(BroadcastConnection member)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            Members = Members.Add(member);
            return true;
        }
    }

    /// <summary>True when this was the last member and the room is now closed.</summary>
    public bool Remove(BroadcastConnection member)
    {
        lock (_gate)
        {
            Members = Members.Remove(member);
            _closed = Members.IsEmpty;
            return _closed;
        }
    }
}
