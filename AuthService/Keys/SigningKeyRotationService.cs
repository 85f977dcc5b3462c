using System.Data.Common;
using AuthService.Configuration;
using Microsoft.Extensions.Options;

namespace AuthService.Keys;

/// <summary>
/// Every <c>Auth:SigningKeys:CheckInterval</c>: reloads the shared keys (so keys another replica created are known
/// before they sign) and rotates when the schedule says so.
/// </summary>
public sealed partial class SigningKeyRotationService(
    SigningKeyRing keys,
    IOptions<AuthOptions> options,
    TimeProvider timeProvider,
    ILogger<SigningKeyRotationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SigningKeys.CheckInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await keys.MaintainAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is DbException or TimeoutException && !stoppingToken.IsCancellationRequested)
                {
                    // The keys in memory keep working; the next tick tries again.
                    LogMaintenanceFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Warning, "Signing key maintenance failed; retrying at the next check.")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
