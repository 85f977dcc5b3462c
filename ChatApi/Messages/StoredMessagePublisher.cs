using System.Diagnostics;
using System.Threading.Channels;
using ChatApi.Protocol;

namespace ChatApi.Messages;

/// <summary>
/// Announces stored messages to every replica, in the order they were stored, off the persistence path: a send is
/// acknowledged once durable, whatever Redis does, and the next batch is stored while this one is announced. A failed
/// announce (Redis down or hung) is retried until Redis takes it, so every stored message reaches every replica:
/// live, or through the gap it leaves (replicas fill gaps and drop repeats by id).
/// </summary>
public sealed partial class StoredMessagePublisher(IMessagePublisher publisher, TimeProvider timeProvider, ILogger<StoredMessagePublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<IReadOnlyList<(StoredMessage Message, ActivityContext Origin)>> _queue =
        Channel.CreateUnbounded<IReadOnlyList<(StoredMessage Message, ActivityContext Origin)>>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues one committed batch, in id order; never waits.</summary>
    public void Enqueue(IReadOnlyList<(StoredMessage Message, ActivityContext Origin)> stored)
    {
        if (stored.Count > 0)
        {
            _queue.Writer.TryWrite(stored);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The writer has drained (it stops first): announce what it stored, for a moment, then give up. What is left
        // is in chatdb; other replicas fill the gap when the room's next message comes.
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } loop)
        {
            await Task.WhenAny(loop, Task.Delay(DrainTimeout, timeProvider, cancellationToken));
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Not cancelled by stoppingToken: the loop ends when the queue is completed and empty.
            await foreach (var batch in _queue.Reader.ReadAllAsync(CancellationToken.None))
            {
                await PublishUntilTakenAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while Redis does not take the announcements.
        }
    }

    private async Task PublishUntilTakenAsync(IReadOnlyList<(StoredMessage Message, ActivityContext Origin)> batch, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Pipelined on one connection, in id order.
                await Task.WhenAll(batch.Select(stored => publisher.PublishAsync(stored.Message, stored.Origin)));
                if (attempt > 1)
                {
                    LogPublishedAfterRetry(logger, batch.Count, attempt);
                }

                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (attempt == 1)
                {
                    LogPublishFailed(logger, batch.Count, exception.GetType().Name);
                }

                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not announce {Count} stored messages ({Error}); retrying until Redis takes them")]
    private static partial void LogPublishFailed(ILogger logger, int count, string error);

    [LoggerMessage(LogLevel.Information, "Announced {Count} stored messages at attempt {Attempt}")]
    private static partial void LogPublishedAfterRetry(ILogger logger, int count, int attempt);
}
