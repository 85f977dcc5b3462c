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
/// So when id N arrives, every id below N is either committed or was never used: a jump is filled from chatdb at
/// once, and anything at or below the last delivered id is a repeat and dropped. A member joins under the same gate:
/// its snapshot ends at the last delivered id, and live delivery to it starts right after.
/// </remarks>
internal sealed partial class RoomChannel(
    string room,
    ISubscriber subscriber,
    MessageStore store,
    DependencyGuard guard,
    RoomLimits limits,
    ChatTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger logger)
{
    private const int CatchUpPage = 1000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableArray<IRoomMember> _members = [];
    private ChannelMessageQueue? _subscription;
    private long _lastDelivered;
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
            if (since > _lastDelivered)
            {
                // The client saw more than this replica has delivered (another replica was ahead): bring the room
                // here up to date first, or the member would get those messages again.
                await DeliverStoredAfterLastAsync(cancellationToken);
            }

            var (messages, recovered) = await ReadSnapshotAsync(since, cancellationToken);
            member.Send(JsonSerializer.SerializeToUtf8Bytes(
                new JoinedFrame(room, _lastDelivered, recovered, messages),
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
            _lastDelivered = await store.GetLastIdAsync(room, cancellationToken);
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
            var missed = await store.GetRangeAsync(room, after, _lastDelivered, limits.RecoveryLimit + 1, cancellationToken);
            if (missed.Count <= limits.RecoveryLimit)
            {
                return (missed, true);
            }
        }

        return (await store.GetLatestAsync(room, limits.PageSize, _lastDelivered, cancellationToken), false);
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
            var missed = await store.GetRangeAsync(room, _lastDelivered, long.MaxValue, CatchUpPage, cancellationToken);
            foreach (var message in missed)
            {
                Deliver(message);
            }

            telemetry.GapFilled(missed.Count);
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
            if (_closed || id <= _lastDelivered)
            {
                return;
            }

            if (id > _lastDelivered + 1 && !await FillGapAsync(id))
            {
                // chatdb cannot tell what is missing right now. Delivering this message would leave a silent hole for
                // members, so hold the line and catch up from chatdb (this message included) a little later.
                _ = CatchUpLaterAsync();
                return;
            }

            Deliver(id, sentAt, frame, traceParent);
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

    private async Task<bool> FillGapAsync(long beforeId)
    {
        try
        {
            var missing = await store.GetRangeAsync(room, _lastDelivered, beforeId - 1, int.MaxValue, CancellationToken.None);
            foreach (var message in missing)
            {
                Deliver(message);
            }

            telemetry.GapFilled(missing.Count);
            return true;
        }
        catch (Exception exception)
        {
            LogGapFillFailed(logger, room, _lastDelivered, beforeId, exception.GetType().Name);
            return false;
        }
    }

    /// <summary>A message read back from chatdb (gap fill, catch-up): serialised here, as its replica would have.</summary>
    private void Deliver(StoredMessage message) =>
        Deliver(message.Id, message.SentAt, JsonSerializer.SerializeToUtf8Bytes(MessageFrame.From(message), ChatJsonContext.Default.MessageFrame), traceParent: null);

    private void Deliver(long id, DateTimeOffset sentAt, ReadOnlyMemory<byte> frame, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, traceState: null, out var parent);
        using var activity = ChatTelemetry.ActivitySource.StartActivity("chat.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("chat.room", room);
        activity?.SetTag("chat.message.id", id);
        activity?.SetTag("chat.members", _members.Length);

        // Every member queues the same bytes.
        foreach (var member in _members)
        {
            member.Send(frame);
        }

        _lastDelivered = id;
        telemetry.FannedOut(timeProvider.GetUtcNow() - sentAt);
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
