using System.Collections.Concurrent;

namespace ChatApi.Auth;

/// <summary>
/// Concurrent requests for the same key share one execution of the work: 100 connects with one fresh token make one
/// introspection call, not 100.
/// </summary>
/// <remarks>
/// The shared work runs without any caller's cancellation token (one caller giving up must not fail the others); it
/// must bound itself, as the auth path's timeouts do. Each caller stops waiting when its own token is cancelled.
/// The entry is removed once the work completes, so results are shared only while in flight, never cached.
/// </remarks>
internal sealed class SingleFlight<TKey, TResult>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _inFlight = new();

    public Task<TResult> RunAsync(TKey key, Func<TKey, Task<TResult>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(key, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var completion = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(key, completion.Task))
            {
                _ = ExecuteAsync(key, work, completion);
                return completion.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task ExecuteAsync(TKey key, Func<TKey, Task<TResult>> work, TaskCompletionSource<TResult> completion)
    {
        TResult result;
        try
        {
            result = await work(key);
        }
        catch (Exception exception)
        {
            Forget(key, completion);
            completion.SetException(exception);
            return;
        }

        // Removed before completion: whoever arrives after the answer starts a new flight, never reads an old one.
        Forget(key, completion);
        completion.SetResult(result);
    }

    private void Forget(TKey key, TaskCompletionSource<TResult> completion) =>
        _inFlight.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, completion.Task));
}
