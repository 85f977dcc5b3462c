using Microsoft.Extensions.Options;

namespace ChatApi.Readiness;

/// <summary>
/// How a session's call to chatdb or Redis fails when the dependency is sick: at once while readiness already knows
/// it is down (the background check sees an outage within about a second), and after
/// <see cref="ChatApiOptions.DependencyTimeout"/> at most while it hangs. Either way as a
/// <see cref="DependencyUnavailableException"/>, which clients get as <c>store_unavailable</c>: never a wait without
/// end, never a 1011.
/// </summary>
public sealed class DependencyGuard(ReadinessState readiness, IOptions<ChatApiOptions> options, TimeProvider timeProvider)
{
    public TimeSpan Timeout => options.Value.DependencyTimeout;

    public async Task<T> RunAsync<T>(string dependency, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (readiness.IsKnownDown(dependency))
        {
            throw new DependencyUnavailableException(dependency, "known to be down");
        }

        using var deadline = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var pending = call(linked.Token);
        try
        {
            // WaitAsync too: a client library may not honour the token (SUBSCRIBE takes none).
            return await pending.WaitAsync(Timeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && (deadline.IsCancellationRequested || exception is TimeoutException))
        {
            throw new DependencyUnavailableException(dependency, $"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
    }

    public Task RunAsync(string dependency, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(dependency, async token =>
        {
            await call(token);
            return true;
        }, cancellationToken);
}
