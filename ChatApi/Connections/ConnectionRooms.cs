using ChatApi.Rooms;

namespace ChatApi.Connections;

/// <summary>
/// The rooms one connection is in: joined and left through the <see cref="RoomHub"/> (which owns each room's order,
/// the join seam included), at most <see cref="ChatApiOptions.MaxRoomsPerConnection"/> at once, all left when the
/// session ends.
/// </summary>
internal sealed class ConnectionRooms(IRoomMember member, RoomHub hub, int maxRooms)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);

    public bool Contains(string room)
    {
        lock (_gate)
        {
            return _rooms.Contains(room);
        }
    }

    /// <summary>
    /// Joins (or joins again, which resends the <c>joined</c> frame); false when the connection is in too many rooms.
    /// Throws when chatdb or Redis cannot be read, and is then not in the room.
    /// </summary>
    public async Task<bool> JoinAsync(string room, long? since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_rooms.Contains(room) && _rooms.Count >= maxRooms)
            {
                return false;
            }

            _rooms.Add(room);
        }

        try
        {
            await hub.JoinAsync(room, since, member, cancellationToken);
            return true;
        }
        catch
        {
            await LeaveAsync(room);
            throw;
        }
    }

    /// <summary>False when the connection was not in <paramref name="room"/>.</summary>
    public async Task<bool> LeaveAsync(string room)
    {
        lock (_gate)
        {
            if (!_rooms.Remove(room))
            {
                return false;
            }
        }

        await hub.LeaveAsync(room, member);
        return true;
    }

    public async Task LeaveAllAsync()
    {
        string[] rooms;
        lock (_gate)
        {
            rooms = [.. _rooms];
            _rooms.Clear();
        }

        // Every room is left even when one leave fails, so one failure cannot leak the other memberships.
        List<Exception>? failures = null;
        foreach (var room in rooms)
        {
            try
            {
                await hub.LeaveAsync(room, member);
            }
            catch (Exception exception)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("Leaving the session's rooms failed.", failures);
        }
    }
}
