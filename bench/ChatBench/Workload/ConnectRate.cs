using System.Diagnostics;
using ChatBench.Clients;
using ChatBench.Measurement;
using ChatBench.Systems;

namespace ChatBench.Workload;

/// <summary>
/// Connects per second with a fixed number of concurrent connectors, each looping: connect (to a session that is open
/// for use: ours up to <c>welcome</c>, SignalR up to the handshake, the bare peer up to the upgrade), then close.
/// Latency is the connect alone; the rate counts whole cycles.
/// </summary>
internal static class ConnectRate
{
    public static async Task<ConnectRateResult> MeasureAsync(ConnectCase connectCase, int connectors, TimeSpan duration)
    {
        var latency = new Latency();
        var failures = new FailureLog();
        long connects = 0, unavailable = 0;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, connectors).Select(connector => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    if (await connectCase.ConnectAsync(connector, failures, timeout.Token) is not { } client)
                    {
                        return;
                    }

                    latency.Record(start);
                    Interlocked.Increment(ref connects);
                    await client.DisposeAsync();
                }
                catch (ServiceUnavailableException)
                {
                    // Not ready now (ours: the auth path's circuit is open): a documented answer, counted apart.
                    Interlocked.Increment(ref unavailable);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    failures.Failed($"{exception.GetType().Name}: {exception.Message}");
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new ConnectRateResult(connectCase.Name, connectors, connects, unavailable, seconds, latency, failures.Summary);
    }
}
