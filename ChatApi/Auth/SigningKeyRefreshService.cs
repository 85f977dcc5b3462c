using Microsoft.Extensions.Options;

namespace ChatApi.Auth;

/// <summary>
/// Loads the signing keys at start-up (so the first connect does not wait on it) and refreshes them every
/// <see cref="ChatAuthOptions.JwksRefreshInterval"/>; while none could ever be loaded, retries every
/// <see cref="ChatAuthOptions.JwksRefreshCooldown"/>.
/// </summary>
internal sealed partial class SigningKeyRefreshService(
    SigningKeyCache keys,
    TimeProvider timeProvider,
    IOptions<ChatAuthOptions> options,
    ILogger<SigningKeyRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting; the fetch itself is bounded by the auth path's timeouts.
        await Task.Yield();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Failures are logged and absorbed by the cache; this loop only decides when to try again.
                await keys.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An escaped exception would stop the host (BackgroundServiceExceptionBehavior.StopHost).
                LogRefreshFailed(logger, exception);
            }

            var delay = keys.HasKeys ? options.Value.JwksRefreshInterval : options.Value.JwksRefreshCooldown;
            try
            {
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping (also when the host's own start failed, where an escaped cancellation is logged as a crash).
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Background refresh of the signing keys failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
