namespace ChatApi.Rooms;

/// <summary>
/// Puts one room's published messages in id order on this replica, exactly once. Ids of a room commit in increasing
/// order, but every replica publishes its own, so N + 1 can arrive before N. A message after a jump is held: the
/// missing ids are nearly always another replica's publish already on its way, and reading them from chatdb at once
/// cost a query under the room's gate for about a third of the messages under load. A gap still open after
/// <c>gapWait</c> (or with too much held) is due: the caller fills it from chatdb, where everything below a held id is
/// committed or was never used (a resend's id, a publish lost with its replica).
/// </summary>
/// <remarks>Not thread-safe: the room's gate serialises every call.</remarks>
internal sealed class RoomSequencer<TMessage>(TimeSpan gapWait, int maxHeld, TimeProvider timeProvider)
{
    private readonly SortedList<long, TMessage> _held = [];
    private long _gapOpenedAt;

    /// <summary>The highest id handed to members; everything at or below it is delivered or was never used.</summary>
    public long LastDelivered { get; private set; }

    /// <summary>The highest held id: a gap fill reads chatdb through it.</summary>
    public long HeldThrough => _held.Count == 0 ? LastDelivered : _held.Keys[^1];

    /// <summary>Null with no gap open; otherwise how long until it is due to be filled from chatdb (zero: now).</summary>
    public TimeSpan? GapDueIn
    {
        get
        {
            if (_held.Count == 0)
            {
                return null;
            }

            var waited = timeProvider.GetElapsedTime(_gapOpenedAt);
            return _held.Count >= maxHeld || waited >= gapWait ? TimeSpan.Zero : gapWait - waited;
        }
    }

    /// <summary>Starts from <paramref name="lastDelivered"/> (a new subscription), forgetting anything held.</summary>
    public void Reset(long lastDelivered)
    {
        LastDelivered = lastDelivered;
        _held.Clear();
    }

    /// <summary>
    /// Takes a published message and adds to <paramref name="ready"/>, in order, what members get now: this message
    /// and the held ones it unblocks. A repeat adds nothing; so does a message after a jump (it is held).
    /// </summary>
    public void Offer(long id, TMessage message, List<(long Id, TMessage Message)> ready)
    {
        if (id <= LastDelivered || _held.ContainsKey(id))
        {
            return;
        }

        if (id > LastDelivered + 1)
        {
            if (_held.Count == 0)
            {
                _gapOpenedAt = timeProvider.GetTimestamp();
            }

            _held.Add(id, message);
            return;
        }

        LastDelivered = id;
        ready.Add((id, message));
        Release(ready);
    }

    /// <summary>
    /// Members were handed everything through <paramref name="id"/> from chatdb (a gap fill, a catch-up): held
    /// messages at or below it are dropped, and those now in order are added to <paramref name="ready"/>.
    /// </summary>
    public void DeliveredThrough(long id, List<(long Id, TMessage Message)> ready)
    {
        LastDelivered = Math.Max(LastDelivered, id);
        Release(ready);
    }

    private void Release(List<(long Id, TMessage Message)> ready)
    {
        var progressed = false;
        while (_held.Count > 0 && _held.Keys[0] <= LastDelivered + 1)
        {
            var id = _held.Keys[0];
            var message = _held.Values[0];
            _held.RemoveAt(0);
            progressed = true;
            if (id == LastDelivered + 1)
            {
                LastDelivered = id;
                ready.Add((id, message));
            }
        }

        if (progressed && _held.Count > 0)
        {
            // The earlier gap closed and a later one is open: it gets its own wait.
            _gapOpenedAt = timeProvider.GetTimestamp();
        }
    }
}
