using System.Data.Common;
using AuthService.Data;
using AuthService.Keys;

namespace AuthService.Hosting;

/// <summary>
/// Runs before the server starts serving: migrates the <c>auth</c> schema and makes sure a signing key exists.
/// While PostgreSQL is not reachable yet it logs and retries with back-off instead of crashing the process.
/// </summary>
/// <remarks>It orders work of two folders (<c>Data</c>, then <c>Keys</c>), so it sits above both.</remarks>
public sealed partial class StartupInitializer(
    AuthSchemaMigrator migrator,
    SigningKeyRing keys,
    TimeProvider timeProvider,
    ILogger<StartupInitializer> logger) : IHostedService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                await keys.MaintainAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is DbException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                LogDatabaseNotReady(logger, attempt, delay.TotalMilliseconds, exception);
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "The database is not ready (attempt {Attempt}); retrying in {DelayMs} ms.")]
    private static partial void LogDatabaseNotReady(ILogger logger, int attempt, double delayMs, Exception exception);
}
