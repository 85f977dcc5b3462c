using ChatApi.Readiness;
using CsCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Readiness;

public sealed class ReadinessStateTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ReadinessState _readiness;

    public ReadinessStateTests() => _readiness = new ReadinessState(_clock);

    [Fact]
    public void An_unhealthy_dependency_closes_the_door_with_its_name_and_a_healthy_report_opens_it_again()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Unhealthy), (DependencyChecks.Cache, HealthStatus.Healthy)));
        Assert.False(_readiness.IsReady(out var reason));
        Assert.Contains(DependencyChecks.Database, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(DependencyChecks.Cache, reason, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Healthy), (DependencyChecks.Cache, HealthStatus.Healthy)));
        Assert.True(_readiness.IsReady(out _));
    }

    [Fact]
    public void A_degraded_auth_path_keeps_the_door_open()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.AuthService, HealthStatus.Degraded), (DependencyChecks.Database, HealthStatus.Healthy)));

        Assert.True(_readiness.IsReady(out _));
    }

    [Fact]
    public void A_slow_report_that_began_before_the_latest_one_does_not_bring_its_outage_back()
    {
        // A /health request saw the database back (its report is applied at once)...
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Healthy)));

        // ...while a background run that began 400 ms earlier was still waiting on its 500 ms bound.
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        _readiness.Update(ReadinessReports.Of(TimeSpan.FromMilliseconds(500), (DependencyChecks.Database, HealthStatus.Unhealthy)));

        Assert.True(_readiness.IsReady(out _));
        Assert.False(_readiness.IsKnownDown(DependencyChecks.Database));
    }

    [Fact]
    public void A_report_older_than_ten_seconds_refuses_no_one()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Cache, HealthStatus.Unhealthy)));
        Assert.False(_readiness.IsReady(out _));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_readiness.IsReady(out _));
    }

    [Fact]
    public void Shutting_down_closes_the_door_whatever_the_report()
    {
        _readiness.Update(ReadinessReports.Of((DependencyChecks.Database, HealthStatus.Healthy)));
        _readiness.BeginShutdown();

        Assert.False(_readiness.IsReady(out var reason));
        Assert.Contains("shutting down", reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Reports that overlap and finish in any order (each began at some moment and ran for up to 600 ms): the state
    /// is the one of the report that began last, whatever the order they were handed over in.
    /// </summary>
    [Fact]
    public void Whatever_order_overlapping_reports_finish_in_the_door_follows_the_one_that_began_last() =>
        Gen.Select(Gen.Int[0, 2_000], Gen.Int[0, 600], Gen.Bool).Array[1, 12]
            .Sample(runs =>
            {
                var start = DateTimeOffset.UtcNow;
                var clock = new FakeTimeProvider(start);
                var readiness = new ReadinessState(clock);
                var finished = runs
                    .Select(run => (Began: start.AddMilliseconds(run.Item1), Took: TimeSpan.FromMilliseconds(run.Item2), DatabaseDown: run.Item3))
                    .OrderBy(run => run.Began + run.Took)
                    .ToList();
                foreach (var run in finished)
                {
                    clock.SetUtcNow(run.Began + run.Took);
                    readiness.Update(ReadinessReports.Of(run.Took, (DependencyChecks.Database, run.DatabaseDown ? HealthStatus.Unhealthy : HealthStatus.Healthy)));
                }

                // Of reports that began at the same moment, the one handed over last counts.
                var latest = finished.Last(run => run.Began == finished.Max(other => other.Began));
                return readiness.IsReady(out _) == !latest.DatabaseDown
                    && readiness.IsKnownDown(DependencyChecks.Database) == latest.DatabaseDown;
            });
}
