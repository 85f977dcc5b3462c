using System.Diagnostics;
using System.Net;
using ChatApi.Auth;
using Polly.CircuitBreaker;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class AuthPathCircuitTests
{
    [Fact]
    public async Task Circuit_opens_after_minimum_throughput_failures_half_opens_after_the_break_and_closes_on_a_good_probe()
    {
        using var harness = new PipelineHarness();
        var circuit = harness.Circuit;
        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.Equal(TimeSpan.Zero, circuit.RetryAfter);

        harness.Inner.Status = HttpStatusCode.ServiceUnavailable;

        // First call: the attempt and its one retry fail (2 failed attempts < MinimumThroughput 3).
        Assert.Equal("HTTP 503", await harness.CallAsync());
        Assert.Equal(2, harness.Inner.Calls);
        Assert.Equal(CircuitState.Closed, circuit.State);

        // Second call: the third failed attempt opens the circuit; the retry is skipped since it could only be rejected.
        Assert.Equal("HTTP 503", await harness.CallAsync());
        Assert.Equal(3, harness.Inner.Calls);
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.True(circuit.IsOpen);
        Assert.InRange(circuit.RetryAfter, TimeSpan.FromSeconds(4.5), harness.Options.BreakDuration);

        // While open: rejected at once, the inner handler never sees the call, and it maps to "unavailable".
        var introspection = harness.Client.IntrospectAsync("opaque", CancellationToken.None);
        Assert.True(introspection.IsCompleted, "an open circuit must answer without waiting on anything.");
        var unavailable = Assert.IsType<IntrospectionResult.Unavailable>(await introspection);
        Assert.Equal("circuit open", unavailable.Reason);
        Assert.Equal(3, harness.Inner.Calls);

        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.InRange(circuit.RetryAfter, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3));

        // Break over: the next call is let through as the probe.
        harness.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(CircuitState.HalfOpen, circuit.State);
        Assert.False(circuit.IsOpen);
        Assert.Equal(AuthPathCircuit.ProbeRetryAfter, circuit.RetryAfter);

        // A failed probe opens it again, for a whole new break.
        Assert.Equal("HTTP 503", await harness.CallAsync());
        Assert.Equal(4, harness.Inner.Calls);
        Assert.Equal(CircuitState.Open, circuit.State);
        Assert.InRange(circuit.RetryAfter, TimeSpan.FromSeconds(4.5), harness.Options.BreakDuration);

        // After the break a good probe closes it.
        harness.Clock.Advance(harness.Options.BreakDuration);
        Assert.Equal(CircuitState.HalfOpen, circuit.State);
        harness.Inner.Status = HttpStatusCode.OK;
        Assert.Null(await harness.CallAsync());
        Assert.Equal(5, harness.Inner.Calls);
        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.Equal(TimeSpan.Zero, circuit.RetryAfter);

        Assert.Equal(
            [CircuitState.Open, CircuitState.HalfOpen, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed],
            harness.Transitions);
    }

    [Fact]
    public async Task A_hung_AuthService_costs_one_attempt_timeout_and_is_not_retried_while_a_refusal_is()
    {
        using var harness = new PipelineHarness();
        harness.Inner.Hang = true;

        var started = harness.Clock.GetUtcNow();
        Assert.Equal("timeout", await harness.CallAsync());
        var elapsed = harness.Clock.GetUtcNow() - started;

        // One attempt, not retried: a caller waits one attempt timeout, not two. (The fake clock is driven in steps
        // while the call's continuations run, so only the lower bound is exact; one call proves there was no retry.)
        Assert.Equal(1, harness.Inner.Calls);
        Assert.True(elapsed >= harness.Options.AttemptTimeout, $"gave up after {elapsed.TotalMilliseconds:0} ms");

        // A refused connection is fast: it is retried once, and both count.
        harness.Inner.Hang = false;
        harness.Inner.Fail = new HttpRequestException(HttpRequestError.ConnectionError, "refused");
        Assert.Equal("transport error (ConnectionError)", await harness.CallAsync());
        Assert.Equal(3, harness.Inner.Calls);
        Assert.Equal(CircuitState.Open, harness.Circuit.State);
    }

    [Fact]
    public async Task Client_errors_are_answers_not_failures_so_they_neither_retry_nor_open_the_circuit()
    {
        using var harness = new PipelineHarness();
        harness.Inner.Status = HttpStatusCode.BadRequest;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("HTTP 400", await harness.CallAsync());
        }

        harness.Inner.Status = HttpStatusCode.Unauthorized;
        Assert.Equal("HTTP 401", await harness.CallAsync());

        Assert.Equal(11, harness.Inner.Calls);
        Assert.Equal(CircuitState.Closed, harness.Circuit.State);
    }

    [Fact]
    public async Task Too_many_requests_is_not_retried_but_counts_against_the_circuit()
    {
        using var harness = new PipelineHarness();
        harness.Inner.Status = HttpStatusCode.TooManyRequests;

        Assert.Equal("HTTP 429", await harness.CallAsync());
        Assert.Equal(1, harness.Inner.Calls);

        await harness.CallAsync();
        await harness.CallAsync();
        Assert.Equal(3, harness.Inner.Calls);
        Assert.Equal(CircuitState.Open, harness.Circuit.State);
    }

    [Fact]
    public async Task Open_circuit_rejections_are_fast_on_the_real_clock_too()
    {
        using var harness = new PipelineHarness();
        harness.Inner.Status = HttpStatusCode.InternalServerError;
        await harness.CallAsync();
        await harness.CallAsync();
        Assert.True(harness.Circuit.IsOpen);

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("circuit open", await harness.Client.ProbeAsync(CancellationToken.None));
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"100 rejected calls took {stopwatch.ElapsedMilliseconds} ms.");
        Assert.Equal(3, harness.Inner.Calls);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_a_failure_of_AuthService()
    {
        using var harness = new PipelineHarness();
        harness.Inner.Hang = true;

        for (var i = 0; i < 5; i++)
        {
            using var cancellation = new CancellationTokenSource();
            var call = harness.Client.ProbeAsync(cancellation.Token);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(CircuitState.Closed, harness.Circuit.State);
    }

    [Fact]
    public void Options_validation_rejects_out_of_range_and_inconsistent_values()
    {
        static bool IsValid(AuthPathResilienceOptions options) =>
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
                options, new System.ComponentModel.DataAnnotations.ValidationContext(options), [], validateAllProperties: true);

        Assert.True(IsValid(new AuthPathResilienceOptions()));
        Assert.False(IsValid(new AuthPathResilienceOptions { MinimumThroughput = 1 }));
        Assert.False(IsValid(new AuthPathResilienceOptions { FailureRatio = 0 }));
        Assert.False(IsValid(new AuthPathResilienceOptions { BreakDuration = TimeSpan.FromMinutes(10) }));
        Assert.False(IsValid(new AuthPathResilienceOptions { MaxRetryAttempts = 5 }));
        Assert.False(IsValid(new AuthPathResilienceOptions { TotalTimeout = TimeSpan.FromMilliseconds(500) }));
    }
}
