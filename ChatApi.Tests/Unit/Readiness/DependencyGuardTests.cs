using ChatApi.Readiness;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Readiness;

public sealed class DependencyGuardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ReadinessState _readiness;
    private readonly DependencyGuard _guard;

    public DependencyGuardTests()
    {
        _readiness = new ReadinessState(_clock);
        _guard = new DependencyGuard(_readiness, Options.Create(new ChatApiOptions { DependencyTimeout = Timeout }), _clock);
    }

    [Fact]
    public async Task A_healthy_call_returns_its_answer()
    {
        Assert.Equal(42, await _guard.RunAsync(DependencyChecks.Database, _ => Task.FromResult(42), CancellationToken.None));
    }

    [Fact]
    public async Task A_dependency_known_down_is_refused_at_once_without_calling_it()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Unhealthy), (DependencyChecks.Cache, HealthStatus.Healthy)));
        var called = false;

        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            _guard.RunAsync(DependencyChecks.Database, _ => Task.FromResult(called = true), CancellationToken.None));

        Assert.False(called);
        Assert.Equal(DependencyChecks.Database, refused.Dependency);
        // The other dependency is not affected.
        Assert.True(await _guard.RunAsync(DependencyChecks.Cache, _ => Task.FromResult(true), CancellationToken.None));
    }

    [Fact]
    public async Task A_hung_call_is_given_up_after_the_timeout_and_its_token_is_cancelled()
    {
        var token = CancellationToken.None;
        var call = _guard.RunAsync(DependencyChecks.Database, async cancellationToken =>
        {
            token = cancellationToken;
            await Task.Delay(System.Threading.Timeout.Infinite, CancellationToken.None);
            return 0;
        }, CancellationToken.None);

        _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        var unavailable = await Assert.ThrowsAsync<DependencyUnavailableException>(() => call);
        Assert.Contains("3000 ms", unavailable.Message, StringComparison.Ordinal);
        Assert.True(token.IsCancellationRequested, "the client library is told to give up too.");
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_an_outage()
    {
        using var caller = new CancellationTokenSource();
        var call = _guard.RunAsync(DependencyChecks.Database, async cancellationToken =>
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            return 0;
        }, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public void A_stale_report_knows_nothing()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Unhealthy)));
        Assert.True(_readiness.IsKnownDown(DependencyChecks.Database));

        // The publisher stalled: an old report is no reason to refuse anyone.
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.False(_readiness.IsKnownDown(DependencyChecks.Database));
    }
}
