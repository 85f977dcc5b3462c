using System.Text.Json;
using ServiceDefaults.AuthPath;
using StackExchange.Redis;

namespace ChatApi.Auth;

/// <summary>
/// Follows AuthService's revocation notices on the Redis channel <see cref="RevocationNotice.Channel"/>: drops the revoked tokens
/// from the memory cache, then tells every <see cref="IRevocationObserver"/> (the connection registry closes the
/// sessions with 1008).
/// </summary>
/// <remarks>
/// Subscribed once. StackExchange.Redis records the handler in the multiplexer before it contacts the server and
/// re-subscribes every recorded channel when a connection comes back, so a Redis outage — even one at start-up,
/// when the subscribe call itself fails — ends with the subscription restored; subscribing again would register the
/// handler twice. Notices published during the outage are lost: the denylist (checked with every Redis lookup) and
/// the cache's 5-minute bound cover them.
/// </remarks>
internal sealed partial class RevocationListener(
    IConnectionMultiplexer redis,
    TokenValidationCache cache,
    IEnumerable<IRevocationObserver> observers,
    ILogger<RevocationListener> logger) : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal(RevocationNotice.Channel);

    private readonly IRevocationObserver[] _observers = observers.ToArray();
    private Action<RedisChannel, RedisValue>? _handler;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _handler = (_, message) => Handle(message);
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, _handler);
            LogSubscribed(logger);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogSubscribeDeferred(logger, exception.GetType().Name);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_handler is not null && redis.IsConnected)
        {
            try
            {
                await redis.GetSubscriber().UnsubscribeAsync(Channel, _handler).WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException)
            {
                // Shutting down anyway.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    internal void Handle(RedisValue message)
    {
        RevocationNotice notice;
        try
        {
            var received = RevocationNotice.FromJson((string?)message ?? string.Empty);
            if (received is null || (string.IsNullOrEmpty(received.TokenId) && string.IsNullOrEmpty(received.SessionId)))
            {
                LogMalformed(logger, "no jti nor sid");
                return;
            }

            notice = received with
            {
                TokenId = NullIfEmpty(received.TokenId),
                SessionId = NullIfEmpty(received.SessionId),
                UserId = NullIfEmpty(received.UserId),
            };
        }
        catch (JsonException exception)
        {
            LogMalformed(logger, exception.GetType().Name);
            return;
        }

        var dropped = cache.Forget(notice);
        LogRevoked(logger, notice.TokenId, notice.SessionId, dropped);

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnRevoked(notice);
            }
            catch (Exception exception)
            {
                // One observer's failure must not keep the others from closing sessions.
                LogObserverFailed(logger, observer.GetType().Name, exception);
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(LogLevel.Information, "Subscribed to revocation notices")]
    private static partial void LogSubscribed(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Could not subscribe to revocation notices now ({ExceptionType}); the subscription is established when Redis reconnects")]
    private static partial void LogSubscribeDeferred(ILogger logger, string exceptionType);

    [LoggerMessage(LogLevel.Warning, "Ignored a malformed revocation notice: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string problem);

    [LoggerMessage(LogLevel.Information, "Revocation of token {TokenId} / session {SessionId}: {Dropped} cached validations dropped")]
    private static partial void LogRevoked(ILogger logger, string? tokenId, string? sessionId, int dropped);

    [LoggerMessage(LogLevel.Error, "Revocation observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, string observer, Exception exception);
}
