using ChatApi.Connections;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using Microsoft.Extensions.Options;

namespace ChatApi.Hosting;

/// <summary>
/// Graceful shutdown (SIGTERM): before the server stops, refuse new sessions (503) and new sends, wait until every
/// send already received is stored and acknowledged, then close every socket with 1012 after its queued frames.
/// Clients reconnect elsewhere and rejoin with <c>since</c>: nothing acknowledged is lost, nothing unacknowledged
/// was stored without an answer the client can still get by resending.
/// </summary>
public sealed partial class ShutdownCoordinator(
    ReadinessState readiness,
    ConnectionRegistry registry,
    MessageWriter writer,
    IOptions<ChatApiOptions> options,
    TimeProvider timeProvider,
    ILogger<ShutdownCoordinator> logger) : IHostedLifecycleService
{
    // Runs before any hosted service's StopAsync, so Kestrel is still serving the sockets we close.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.BeginShutdown();
        var connections = registry.Snapshot();
        LogShuttingDown(logger, connections.Count);
        var timeout = options.Value.ShutdownCloseTimeout;

        foreach (var connection in connections)
        {
            connection.BeginShutdown();
        }

        await WithinAsync(Task.WhenAll(connections.Select(connection => connection.WhenSendsSettledAsync())), timeout, cancellationToken);
        await WithinAsync(writer.DrainAsync(), timeout, cancellationToken);

        foreach (var connection in connections)
        {
            connection.RequestClose(CloseCodes.ServiceRestart, "service restart", flush: true);
        }

        await WithinAsync(Task.WhenAll(connections.Select(connection => connection.Completion)), timeout, cancellationToken);
        LogClosed(logger, connections.Count(connection => connection.Completion.IsCompleted), connections.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WithinAsync(Task work, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await work.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            LogStepTimedOut(logger, timeout.TotalMilliseconds);
        }
    }

    [LoggerMessage(LogLevel.Information, "Shutting down: draining {Count} sessions")]
    private static partial void LogShuttingDown(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Closed {Closed} of {Count} sessions with 1012")]
    private static partial void LogClosed(ILogger logger, int closed, int count);

    [LoggerMessage(LogLevel.Warning, "A shutdown step did not finish within {TimeoutMs} ms; going on")]
    private static partial void LogStepTimedOut(ILogger logger, double timeoutMs);
}
