using ChatApi.Rooms;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Rooms;

/// <summary>
/// The per-room sequencer: published messages in id order exactly once, an early message held while the missing ids
/// are on their way, and a gap handed to chatdb only once it has outlived the wait.
/// </summary>
public sealed class RoomSequencerTests
{
    private static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(50);

    private readonly FakeTimeProvider _time = new();
    private readonly List<(long Id, string Message)> _ready = [];

    private RoomSequencer<string> Sequencer(long lastDelivered = 0, int maxHeld = 1000)
    {
        var sequencer = new RoomSequencer<string>(GapWait, maxHeld, _time);
        sequencer.Reset(lastDelivered);
        return sequencer;
    }

    private long[] Ready()
    {
        var ids = _ready.Select(entry => entry.Id).ToArray();
        _ready.Clear();
        return ids;
    }

    [Fact]
    public void Messages_in_order_are_delivered_at_once()
    {
        var sequencer = Sequencer(lastDelivered: 7);

        sequencer.Offer(8, "m8", _ready);
        sequencer.Offer(9, "m9", _ready);

        Assert.Equal([8, 9], Ready());
        Assert.Equal(9, sequencer.LastDelivered);
        Assert.Null(sequencer.GapDueIn);
    }

    [Fact]
    public void An_early_message_waits_for_the_missing_one_and_both_go_out_in_order()
    {
        var sequencer = Sequencer();

        sequencer.Offer(2, "m2", _ready);
        sequencer.Offer(3, "m3", _ready);
        Assert.Empty(Ready());
        Assert.Equal(GapWait, sequencer.GapDueIn);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        sequencer.Offer(1, "m1", _ready);

        Assert.Equal(["m1", "m2", "m3"], _ready.Select(entry => entry.Message));
        Assert.Null(sequencer.GapDueIn);
    }

    [Fact]
    public void A_gap_is_due_for_chatdb_only_once_it_has_outlived_the_wait()
    {
        var sequencer = Sequencer();
        sequencer.Offer(3, "m3", _ready);

        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(TimeSpan.FromMilliseconds(1), sequencer.GapDueIn);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, sequencer.GapDueIn);
        Assert.Equal(3, sequencer.HeldThrough);
    }

    [Fact]
    public void Filling_through_the_held_ids_drops_them_and_releases_what_follows()
    {
        var sequencer = Sequencer();
        sequencer.Offer(3, "m3", _ready);
        sequencer.Offer(5, "m5", _ready);

        // chatdb handed members 1..5 (the caller reads through HeldThrough): the held copies are repeats now.
        sequencer.DeliveredThrough(sequencer.HeldThrough, _ready);

        Assert.Empty(Ready());
        Assert.Equal(5, sequencer.LastDelivered);
        Assert.Null(sequencer.GapDueIn);
        sequencer.Offer(4, "late m4", _ready);
        sequencer.Offer(6, "m6", _ready);
        Assert.Equal([6], Ready());
    }

    [Fact]
    public void A_catch_up_that_ends_below_a_held_id_releases_the_held_ones_in_order()
    {
        var sequencer = Sequencer();
        sequencer.Offer(4, "m4", _ready);
        sequencer.Offer(5, "m5", _ready);

        sequencer.DeliveredThrough(3, _ready);

        Assert.Equal([4, 5], Ready());
        Assert.Null(sequencer.GapDueIn);
    }

    [Fact]
    public void A_second_gap_gets_its_own_wait_once_the_first_closes()
    {
        var sequencer = Sequencer();
        sequencer.Offer(2, "m2", _ready);
        sequencer.Offer(4, "m4", _ready);
        _time.Advance(TimeSpan.FromMilliseconds(40));

        sequencer.Offer(1, "m1", _ready);

        Assert.Equal([1, 2], Ready());
        Assert.Equal(GapWait, sequencer.GapDueIn);
    }

    [Fact]
    public void Too_much_held_makes_the_gap_due_at_once()
    {
        var sequencer = Sequencer(maxHeld: 3);
        sequencer.Offer(2, "m2", _ready);
        sequencer.Offer(3, "m3", _ready);
        Assert.NotEqual(TimeSpan.Zero, sequencer.GapDueIn);

        sequencer.Offer(4, "m4", _ready);

        Assert.Equal(TimeSpan.Zero, sequencer.GapDueIn);
    }

    [Fact]
    public void Repeats_are_dropped_whether_delivered_or_held()
    {
        var sequencer = Sequencer(lastDelivered: 5);

        sequencer.Offer(5, "again m5", _ready);
        sequencer.Offer(7, "m7", _ready);
        sequencer.Offer(7, "again m7", _ready);
        sequencer.Offer(6, "m6", _ready);

        Assert.Equal(["m6", "m7"], _ready.Select(entry => entry.Message));
    }

    [Fact]
    public void Reset_forgets_what_was_held()
    {
        var sequencer = Sequencer();
        sequencer.Offer(3, "m3", _ready);

        sequencer.Reset(10);

        Assert.Null(sequencer.GapDueIn);
        sequencer.Offer(11, "m11", _ready);
        Assert.Equal([11], Ready());
    }

    /// <summary>
    /// The room's guarantee under any arrival: ids committed in a room (some never used), each published zero or more
    /// times in any order, with time passing between arrivals; the caller fills a due gap from "chatdb" as RoomChannel
    /// does and catches up at the end. Members get every committed id exactly once, in order.
    /// </summary>
    [Fact]
    public void Members_get_every_committed_id_once_and_in_order_whatever_the_arrival_order() =>
        Gen.Select(
            Gen.Bool.Array[1, 40],
            Gen.Int[0, 3].Array[40],
            Gen.Int[0, 1000].Array[120],
            Gen.Int[0, 30].Array[120],
            (used, copies, order, pauses) => (Used: used, Copies: copies, Order: order, Pauses: pauses))
        .Sample(sample =>
        {
            var committed = sample.Used.Select((isUsed, index) => (isUsed, Id: index + 1L)).Where(x => x.isUsed).Select(x => x.Id).ToList();
            var arrivals = committed
                .SelectMany((id, index) => Enumerable.Repeat(id, sample.Copies[index % sample.Copies.Length]))
                .Select((id, index) => (id, Key: sample.Order[index % sample.Order.Length]))
                .OrderBy(arrival => arrival.Key)
                .Select(arrival => arrival.id)
                .ToList();

            var time = new FakeTimeProvider();
            var sequencer = new RoomSequencer<long>(GapWait, maxHeld: 8, time);
            var ready = new List<(long Id, long Message)>();
            var delivered = new List<long>();

            void Collect()
            {
                delivered.AddRange(ready.Select(entry => entry.Message));
                ready.Clear();
            }

            // RoomChannel.DeliverFromStore: every committed id after the last delivered, through the bound.
            void FromStore(long throughId)
            {
                foreach (var id in committed.Where(id => id <= throughId))
                {
                    if (id > sequencer.LastDelivered)
                    {
                        delivered.Add(id);
                        sequencer.DeliveredThrough(id, ready);
                        Collect();
                    }
                }

                sequencer.DeliveredThrough(throughId, ready);
                Collect();
            }

            for (var index = 0; index < arrivals.Count; index++)
            {
                time.Advance(TimeSpan.FromMilliseconds(sample.Pauses[index % sample.Pauses.Length]));
                if (sequencer.GapDueIn == TimeSpan.Zero)
                {
                    FromStore(sequencer.HeldThrough);
                }

                sequencer.Offer(arrivals[index], arrivals[index], ready);
                Collect();
                if (sequencer.GapDueIn == TimeSpan.Zero)
                {
                    FromStore(sequencer.HeldThrough);
                }
            }

            // A publish that never came: the gap is due once the wait is over; a reconnect's catch-up reads the rest.
            time.Advance(GapWait);
            if (sequencer.GapDueIn == TimeSpan.Zero)
            {
                FromStore(sequencer.HeldThrough);
            }

            FromStore(committed.LastOrDefault());

            Assert.Equal(committed, delivered);
        });
}
