using ChatApi.Auth;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task A_hundred_concurrent_validations_of_one_fresh_token_make_one_introspection_call()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.IntrospectionDelay = TimeSpan.FromMilliseconds(300);
        var validator = host.Validator;
        var token = host.Token();

        using var start = new ManualResetEventSlim();
        var validations = Enumerable.Range(0, 100)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await validator.ValidateAsync(token, CancellationToken.None);
            }))
            .ToArray();
        start.Set();
        var results = await Task.WhenAll(validations);

        Assert.All(results, result => Assert.IsType<TokenValidationResult.Valid>(result));
        Assert.Equal(1, host.AuthService.IntrospectionCalls);
        Assert.Equal(1, host.AuthService.JwksCalls);

        // And afterwards it is cached: no further call.
        Assert.IsType<TokenValidationResult.Valid>(await validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal(1, host.AuthService.IntrospectionCalls);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_shared_work()
    {
        var flight = new SingleFlight<string, int>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        Task<int> Work(string _)
        {
            Interlocked.Increment(ref runs);
            return release.Task;
        }

        using var impatient = new CancellationTokenSource();
        var first = flight.RunAsync("k", Work, impatient.Token);
        var second = flight.RunAsync("k", Work, CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        release.SetResult(42);
        Assert.Equal(42, await second);
        Assert.Equal(1, runs);

        // Completed work is not remembered: the next call runs again.
        Assert.Equal(42, await flight.RunAsync("k", Work, CancellationToken.None));
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_failure_reaches_every_waiter_and_is_not_kept()
    {
        var flight = new SingleFlight<string, int>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = flight.RunAsync("k", _ => release.Task, CancellationToken.None);
        var second = flight.RunAsync("k", _ => Task.FromResult(1), CancellationToken.None);
        release.SetException(new InvalidOperationException("boom"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal(7, await flight.RunAsync("k", _ => Task.FromResult(7), CancellationToken.None));
    }
}
