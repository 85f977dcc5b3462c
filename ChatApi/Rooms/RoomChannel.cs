using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Telemetry;
using StackExchange.Redis;

namespace ChatApi.Rooms;

/// <summary>
/// One room on one replica: its Redis subscription, its local members, and the sequencer that hands them the room in
/// id order exactly once — the joined frame included, so the order of a room is tracked here and nowhere else.
/// </summary>
/// <remarks>
/// Ids of a room are committed in increasing order (allocation takes the room row's lock) and published after commit.
/// So when id N arrives, every id below N is either committed or was never used: after a jump the
/// <see cref="RoomSequencer{TMessage}"/> holds N while the missing ids are on their way from the other replica, and a
/// gap still open after <see cref="ChatApiOptions.GapWait"/> is filled from chatdb; anything at or below the last
/// delivered id is a repeat and dropped. A member joins under the same gate: its snapshot ends at the last delivered
/// id, and live delivery to it starts right after.
/// </remarks>
internal sealed partial class RoomChannel(
    string room,
    ISubscriber subscriber,
    MessageStore store,
    DependencyGuard guard,
    RoomLimits limits,
    RoomSequencer<RoomFrame> sequencer,
    ChatTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger logger)
{
    private const int CatchUpPage = 1000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableArray<IRoomMember> _members = [];
    private readonly List<(long Id, RoomFrame Frame)> _ready = [];
    private ChannelMessageQueue? _subscription;
    private bool _gapCheckArmed;
    private bool _closed;

    /// <summary>True once the last member left (or the first join failed); the hub then uses a new channel.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>
    /// Sends <paramref name="member"/> the room's <c>joined</c> frame and, from then on, every message after it. With
    /// <paramref name="since"/>, the snapshot is what came after it (up to <see cref="RoomLimits.RecoveryLimit"/>),
    /// otherwise the latest page. Joining again resends the frame. False when the channel has closed.
    /// </summary>
    public async Task<bool> JoinAsync(IRoomMember member, long? since, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return false;
            }

            await SubscribeAsync(cancellationToken);
            if (since > sequencer.LastDelivered)
            {
                // The client saw more than this replica has delivered (another replica was ahead): bring the room
                // here up to date first, or the member would get those messages again.
                await DeliverStoredAfterLastAsync(cancellationToken);
            }

            var (messages, recovered) = await ReadSnapshotAsync(since, cancellationToken);
            member.Send(JsonSerializer.SerializeToUtf8Bytes(
                new JoinedFrame(room, sequencer.LastDelivered, recovered, messages),
                ChatJsonContext.Default.JoinedFrame));
            if (!_members.Contains(member))
            {
                _members = _members.Add(member);
                telemetry.MembershipAdded();
            }

            return true;
        }
        catch when (_members.IsEmpty)
        {
            // Nobody listens: let the subscription go with the failed join.
            await CloseAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when this was the last member and the channel is now closed.</summary>
    public async Task<bool> LeaveAsync(IRoomMember member)
    {
        await _gate.WaitAsync();
        try
        {
            var before = _members.Length;
            _members = _members.Remove(member);
            if (_members.Length < before)
            {
                telemetry.MembershipRemoved();
            }

            if (_members.Length > 0 || _closed)
            {
                return false;
            }

            await CloseAsync();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Delivers whatever was stored after the last delivered id (after a Redis reconnect).</summary>
    public async Task CatchUpAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_closed && _subscription is not null)
            {
                await DeliverStoredAfterLastAsync(CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            LogCatchUpFailed(logger, room, exception.GetType().Name);
            if (!_closed)
            {
                _ = CatchUpLaterAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            return;
        }

        // Subscribe first, then read where the room stands: anything committed later arrives on the channel.
        var subscription = await guard.RunAsync(DependencyChecks.Cache, _ => subscriber.SubscribeAsync(RoomHub.ChannelOf(room)), cancellationToken);
        try
        {
            sequencer.Reset(await store.GetLastIdAsync(room, cancellationToken));
        }
        catch
        {
            // Fire and forget (see CloseAsync): the join's own failure is what the caller must see.
            await subscription.UnsubscribeAsync(CommandFlags.FireAndForget);
            throw;
        }

        _subscription = subscription;
        subscription.OnMessage(OnMessageAsync);
    }

    /// <summary>What a joining member is sent: never beyond the last delivered id, where its live delivery starts.</summary>
    private async Task<(IReadOnlyList<StoredMessage> Messages, bool Recovered)> ReadSnapshotAsync(long? since, CancellationToken cancellationToken)
    {
        if (since is { } after)
        {
            var missed = await store.GetRangeAsync(room, after, sequencer.LastDelivered, limits.RecoveryLimit + 1, cancellationToken);
            if (missed.Count <= limits.RecoveryLimit)
            {
                return (missed, true);
            }
        }

        return (await store.GetLatestAsync(room, limits.PageSize, sequencer.LastDelivered, cancellationToken), false);
    }

    private async Task CloseAsync()
    {
        Volatile.Write(ref _closed, true);
        if (_subscription is not { } subscription)
        {
            return;
        }

        _subscription = null;
        try
        {
            // Fire and forget: StackExchange.Redis drops the subscription locally before it tells the server, and the
            // server's answer changes nothing here. Awaiting it would hold the leave (and the session's reader) for
            // the client's 5 s timeout while Redis hangs, and end in a RedisTimeoutException, which is a
            // TimeoutException and not a RedisException: a 1011 for the leaving client, an unhandled exception when a
            // session ends.
            await subscription.UnsubscribeAsync(CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Closed here either way; Redis forgets the subscription with the connection.
            LogUnsubscribeFailed(logger, room, exception.GetType().Name);
        }
    }

    private async Task DeliverStoredAfterLastAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var missed = await store.GetRangeAsync(room, sequencer.LastDelivered, long.MaxValue, CatchUpPage, cancellationToken);
            DeliverFromStore(missed, missed.Count > 0 ? missed[^1].Id : sequencer.LastDelivered);
            if (missed.Count < CatchUpPage)
            {
                return;
            }
        }
    }

    private async Task OnMessageAsync(ChannelMessage channelMessage)
    {
        // One copy out of the client's buffer: members keep the frame until their writers have sent it.
        byte[]? payload = channelMessage.Message;
        if (payload is null || !RoomEnvelope.TryRead(payload, out var id, out var sentAt, out var traceParent, out var frame))
        {
            LogMalformedEnvelope(logger, room);
            return;
        }

        await _gate.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            sequencer.Offer(id, new RoomFrame(sentAt, frame, traceParent), _ready);
            DeliverReady();
            await SettleGapAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Under the gate: fills a gap that is due from chatdb, or checks again when it will be.</summary>
    private async Task SettleGapAsync()
    {
        switch (sequencer.GapDueIn)
        {
            case null:
                return;
            case { } dueIn when dueIn > TimeSpan.Zero:
                if (!_gapCheckArmed)
                {
                    _gapCheckArmed = true;
                    _ = CheckGapLaterAsync(dueIn);
                }

                return;
        }

        if (!await FillGapAsync(sequencer.HeldThrough))
        {
            // chatdb cannot tell what is missing right now. Delivering past the gap would leave a silent hole for
            // members, so hold the line and catch up from chatdb (the held messages included) a little later.
            _ = CatchUpLaterAsync();
        }
    }

    private async Task CheckGapLaterAsync(TimeSpan dueIn)
    {
        await Task.Delay(dueIn, timeProvider);
        await _gate.WaitAsync();
        try
        {
            _gapCheckArmed = false;
            if (!_closed)
            {
                await SettleGapAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CatchUpLaterAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1), timeProvider);
        await CatchUpAsync();
    }

    /// <summary>Delivers what chatdb has through <paramref name="throughId"/>, a held id: everything below it is committed or unused.</summary>
    private async Task<bool> FillGapAsync(long throughId)
    {
        try
        {
            var missing = await store.GetRangeAsync(room, sequencer.LastDelivered, throughId, int.MaxValue, CancellationToken.None);
            telemetry.GapFilled(missing.Count);
            DeliverFromStore(missing, throughId);
            return true;
        }
        catch (Exception exception)
        {
            LogGapFillFailed(logger, room, sequencer.LastDelivered, throughId, exception.GetType().Name);
            return false;
        }
    }

    /// <summary>Messages read back from chatdb, serialised here as their replica would have; then whatever held ones they unblock.</summary>
    private void DeliverFromStore(IReadOnlyList<StoredMessage> messages, long throughId)
    {
        foreach (var message in messages)
        {
            if (message.Id > sequencer.LastDelivered)
            {
                Deliver(message.Id, new RoomFrame(
                    message.SentAt,
                    JsonSerializer.SerializeToUtf8Bytes(MessageFrame.From(message), ChatJsonContext.Default.MessageFrame),
                    TraceParent: null));
                sequencer.DeliveredThrough(message.Id, _ready);
                DeliverReady();
            }
        }

        sequencer.DeliveredThrough(throughId, _ready);
        DeliverReady();
    }

    private void DeliverReady()
    {
        foreach (var (id, frame) in _ready)
        {
            Deliver(id, frame);
        }

        _ready.Clear();
    }

    private void Deliver(long id, RoomFrame frame)
    {
        ActivityContext.TryParse(frame.TraceParent, traceState: null, out var parent);
        using var activity = ChatTelemetry.ActivitySource.StartActivity("chat.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("chat.room", room);
        activity?.SetTag("chat.message.id", id);
        activity?.SetTag("chat.members", _members.Length);

        // Every member queues the same bytes.
        foreach (var member in _members)
        {
            member.Send(frame.Bytes);
        }

        telemetry.FannedOut(timeProvider.GetUtcNow() - frame.SentAt);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored a malformed message on the channel of room {Room}")]
    private static partial void LogMalformedEnvelope(ILogger logger, string room);

    [LoggerMessage(LogLevel.Warning, "Room {Room}: could not read messages {AfterId}..{BeforeId} from chatdb ({Error}); delivery waits for the next attempt")]
    private static partial void LogGapFillFailed(ILogger logger, string room, long afterId, long beforeId, string error);

    [LoggerMessage(LogLevel.Warning, "Room {Room}: could not unsubscribe ({Error})")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string room, string error);

    [LoggerMessage(LogLevel.Warning, "Room {Room}: catch-up failed ({Error}); trying again in a second")]
    private static partial void LogCatchUpFailed(ILogger logger, string room, string error);
}
