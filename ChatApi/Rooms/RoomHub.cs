using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatApi.Rooms;

/// <summary>
/// Fan-out across replicas: every stored message is published on its room's Redis channel
/// (<c>chat:room:{name}</c>), and each replica subscribes to the rooms its local connections are in, one
/// subscription per room however many members. Each room's <see cref="RoomChannel"/> hands its members the
/// <c>joined</c> frame and then every message in id order exactly once, holding a message that arrived before an earlier one and filling from chatdb whatever pub/sub skipped.
/// </summary>
public sealed class RoomHub : IMessagePublisher, IDisposable
{
    // Past this many early messages in one room, the gap is filled from chatdb without waiting longer.
    private const int MaxHeldPerRoom = 1000;

    private readonly ConcurrentDictionary<string, RoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly IConnectionMultiplexer _redis;
    private readonly MessageStore _store;
    private readonly DependencyGuard _guard;
    private readonly RoomLimits _limits;
    private readonly TimeSpan _gapWait;
    private readonly ChatTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RoomHub> _logger;

    public RoomHub(
        IConnectionMultiplexer redis,
        MessageStore store,
        DependencyGuard guard,
        IOptions<ChatApiOptions> options,
        ChatTelemetry telemetry,
        TimeProvider timeProvider,
        ILogger<RoomHub> logger)
    {
        _redis = redis;
        _store = store;
        _guard = guard;
        _limits = new RoomLimits(options.Value.PageSize, options.Value.RecoveryLimit);
        _gapWait = options.Value.GapWait;
        _telemetry = telemetry;
        _timeProvider = timeProvider;
        _logger = logger;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    public static RedisChannel ChannelOf(string room) => RedisChannel.Literal($"chat:room:{room}");

    /// <summary>
    /// Joins <paramref name="member"/> to <paramref name="room"/>: it is sent the <c>joined</c> frame (what came after
    /// <paramref name="since"/>, or the latest page), then every message stored after it. Joining again resends the
    /// <c>joined</c> frame. Throws when chatdb or Redis cannot be read; the member is then not in the room.
    /// </summary>
    public async Task JoinAsync(string room, long? since, IRoomMember member, CancellationToken cancellationToken)
    {
        while (true)
        {
            var channel = _rooms.GetOrAdd(room, name => new RoomChannel(
                name,
                _redis.GetSubscriber(),
                _store,
                _guard,
                _limits,
                new RoomSequencer<RoomFrame>(_gapWait, MaxHeldPerRoom, _timeProvider),
                _telemetry,
                _timeProvider,
                _logger));
            try
            {
                if (await channel.JoinAsync(member, since, cancellationToken))
                {
                    return;
                }
            }
            finally
            {
                // The channel closed (its last member left, or its first join failed): the next join takes a fresh one.
                if (channel.IsClosed)
                {
                    _rooms.TryRemove(new KeyValuePair<string, RoomChannel>(room, channel));
                }
            }
        }
    }

    public async Task LeaveAsync(string room, IRoomMember member)
    {
        if (_rooms.TryGetValue(room, out var channel) && await channel.LeaveAsync(member))
        {
            _rooms.TryRemove(new KeyValuePair<string, RoomChannel>(room, channel));
        }
    }

    public async Task PublishAsync(StoredMessage message, ActivityContext origin)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity("chat.publish", ActivityKind.Producer, origin);
        activity?.SetTag("chat.room", message.Room);
        activity?.SetTag("chat.message.id", message.Id);
        var frame = JsonSerializer.SerializeToUtf8Bytes(MessageFrame.From(message), ChatJsonContext.Default.MessageFrame);
        var payload = RoomEnvelope.Write(message.Id, message.SentAt, activity?.Id ?? (origin == default ? null : FormatTraceParent(origin)), frame);
        await _redis.GetSubscriber().PublishAsync(ChannelOf(message.Room), payload);
    }

    public void Dispose() => _redis.ConnectionRestored -= OnConnectionRestored;

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs args)
    {
        // Pub/sub forgets what it sent while we were away: read it back from chatdb.
        foreach (var channel in _rooms.Values)
        {
            _ = channel.CatchUpAsync();
        }
    }

    private static string FormatTraceParent(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
}
