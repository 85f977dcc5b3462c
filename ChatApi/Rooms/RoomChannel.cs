using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Telemetry;
using StackExchange.Redis;

namespace ChatApi.Rooms;

/// <summary>
/// One room on one replica: its Redis subscription, its local members, and the sequencer that hands them messages
/// in id order exactly once.
/// </summary>
/// <remarks>
/// Ids of a room are committed in increasing order (allocation takes the room row's lock) and published after commit.
/// So when id N arrives, every id below N is either committed or was never used: a jump is filled from chatdb at
/// once, and anything at or below the last delivered id is a repeat and dropped.
/// </remarks>
internal sealed partial class RoomChannel(
    string room,
    ISubscriber subscriber,
    MessageStore store,
    ChatMetrics metrics,
    TimeProvider timeProvider,
    ILogger logger)
{
    private const int CatchUpPage = 1000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableArray<IRoomMember> _members = [];
    private ChannelMessageQueue? _subscription;
    private long _lastDelivered;
    private bool _closed;

    /// <summary>False when the channel has closed; the caller then uses a new one.</summary>
    public async Task<bool> AddMemberAsync(IRoomMember member, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return false;
            }

            if (_subscription is null)
            {
                // Subscribe first, then read where the room stands: anything committed later arrives on the channel.
                var subscription = await subscriber.SubscribeAsync(RoomHub.ChannelOf(room));
                try
                {
                    _lastDelivered = await store.GetLastIdAsync(room, cancellationToken);
                }
                catch
                {
                    await subscription.UnsubscribeAsync();
                    throw;
                }

                _subscription = subscription;
                subscription.OnMessage(OnMessageAsync);
            }

            _members = _members.Add(member);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when this was the last member and the channel is now closed.</summary>
    public async Task<bool> RemoveMemberAsync(IRoomMember member)
    {
        await _gate.WaitAsync();
        try
        {
            _members = _members.Remove(member);
            if (_members.Length > 0 || _closed)
            {
                return false;
            }

            _closed = true;
            if (_subscription is { } subscription)
            {
                _subscription = null;
                await subscription.UnsubscribeAsync();
            }

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
            while (!_closed && _subscription is not null)
            {
                var missed = await store.GetAfterAsync(room, _lastDelivered, CatchUpPage, CancellationToken.None);
                foreach (var message in missed)
                {
                    Deliver(message, traceParent: null);
                }

                metrics.GapFilled(missed.Count);
                if (missed.Count < CatchUpPage)
                {
                    return;
                }
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

    private async Task OnMessageAsync(ChannelMessage channelMessage)
    {
        RoomEnvelope? envelope;
        try
        {
            envelope = (byte[]?)channelMessage.Message is { } payload
                ? JsonSerializer.Deserialize(payload, RoomEnvelopeJsonContext.Default.RoomEnvelope)
                : null;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope?.Message is not { } message || message.Room != room)
        {
            LogMalformedEnvelope(logger, room);
            return;
        }

        await _gate.WaitAsync();
        try
        {
            if (_closed || message.Id <= _lastDelivered)
            {
                return;
            }

            if (message.Id > _lastDelivered + 1 && !await FillGapAsync(message.Id))
            {
                // chatdb cannot tell what is missing right now. Delivering this message would leave a silent hole for
                // members, so hold the line and catch up from chatdb (this message included) a little later.
                _ = CatchUpLaterAsync();
                return;
            }

            Deliver(message, envelope.TraceParent);
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
            var missing = await store.GetBetweenAsync(room, _lastDelivered, beforeId, CancellationToken.None);
            foreach (var message in missing)
            {
                Deliver(message, traceParent: null);
            }

            metrics.GapFilled(missing.Count);
            return true;
        }
        catch (Exception exception)
        {
            LogGapFillFailed(logger, room, _lastDelivered, beforeId, exception.GetType().Name);
            return false;
        }
    }

    private void Deliver(StoredMessage message, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, traceState: null, out var parent);
        using var activity = ChatTelemetry.Source.StartActivity("chat.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("chat.room", room);
        activity?.SetTag("chat.message.id", message.Id);
        activity?.SetTag("chat.members", _members.Length);

        var frame = JsonSerializer.SerializeToUtf8Bytes(MessageFrame.From(message), ChatJsonContext.Default.MessageFrame);
        foreach (var member in _members)
        {
            member.Deliver(message, frame);
        }

        _lastDelivered = message.Id;
        metrics.FannedOut(timeProvider.GetUtcNow() - message.SentAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed message on the channel of room {Room}")]
    private static partial void LogMalformedEnvelope(ILogger logger, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: could not read messages {AfterId}..{BeforeId} from chatdb ({Error}); delivery waits for the next attempt")]
    private static partial void LogGapFillFailed(ILogger logger, string room, long afterId, long beforeId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: catch-up after reconnect failed ({Error})")]
    private static partial void LogCatchUpFailed(ILogger logger, string room, string error);
}
