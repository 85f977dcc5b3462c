using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace AppHost.Tests.Distributed;

public sealed class ReadinessFaultTopology : TopologyFixture
{
    protected override TopologyOptions Options => new() { ChatApiReplicas = 1 };
}

/// <summary>
/// Readiness follows the dependencies for real: stop PostgreSQL or Redis and /health says so at once,
/// start it again and /health recovers. The one-second bounds are the contract's; recovery bounds are generous
/// because they include the server's own start-up and the client's reconnect back-off.
/// </summary>
public sealed class ReadinessFaultTests(ReadinessFaultTopology fixture, ITestOutputHelper output) : IClassFixture<ReadinessFaultTopology>
{
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The round trip as the test process sees it, which also pays for scheduling the test host itself next to nine
    /// service processes on two cores (one CI run saw 1.16 s for an answer the service produced in 0.5 s). The
    /// contract's one second is asserted on what the service reports; this bound only catches a stalled service.
    /// </summary>
    private static readonly TimeSpan GenerousRoundTrip = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    private DistributedTopology Topology => fixture.Topology;

    private IEnumerable<Uri> Services => new[] { Topology.AuthService }.Concat(Topology.ChatApi);

    [Theory]
    [InlineData("postgres", "PostgreSql")]
    [InlineData("cache", "StackExchange.Redis")]
    public async Task Readiness_turns_unhealthy_within_a_second_of_a_dependency_stopping_and_recovers(string resource, string check)
    {
        await Topology.StopAsync(resource);
        var stopped = Stopwatch.StartNew();
        try
        {
            // Every service is probed from the moment of the stop, all at once, so none waits on another's answer.
            var services = Services.ToList();
            var answers = await Task.WhenAll(services.Select(service => HealthProbe.WaitForAsync(service, HttpStatusCode.ServiceUnavailable, ContractBound, stopped)));
            foreach (var (service, (probe, sentAt)) in services.Zip(answers))
            {
                // When the service had its answer: the probe's send plus the report's own duration (the round trip,
                // which also pays for scheduling the test host, is bounded separately and generously).
                var reportedAt = sentAt + probe.ServerDuration;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.StatusCode);
                Assert.True(
                    reportedAt < ContractBound,
                    $"{service} reported {resource} down {reportedAt.TotalMilliseconds:0} ms after it stopped (probe sent at {sentAt.TotalMilliseconds:0} ms, answered in {probe.ServerDuration.TotalMilliseconds:0} ms, round trip {probe.Elapsed.TotalMilliseconds:0} ms).");
                Assert.True(probe.Elapsed < GenerousRoundTrip, $"one /health round trip took {probe.Elapsed.TotalMilliseconds:0} ms.");
                Assert.Equal("Unhealthy", probe.Checks[check]);
                output.WriteLine($"{service}: {resource} reported down at {reportedAt.TotalMilliseconds:0} ms (sent {sentAt.TotalMilliseconds:0}, answered in {probe.ServerDuration.TotalMilliseconds:0}, round trip {probe.Elapsed.TotalMilliseconds:0})");
            }
        }
        finally
        {
            await Topology.StartAsync(resource);
        }

        foreach (var service in Services)
        {
            var (probe, _) = await HealthProbe.WaitForAsync(service, HttpStatusCode.OK, RecoveryBound);

            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            Assert.Equal("Healthy", probe.Checks[check]);
        }
    }

    [Theory]
    [InlineData("postgres", "PostgreSql")]
    [InlineData("cache", "StackExchange.Redis")]
    public async Task Readiness_answers_within_a_second_while_a_dependency_hangs(string resource, string check)
    {
        Topology.Pause(resource);
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                foreach (var service in Services)
                {
                    var probe = await HealthProbe.GetAsync(service);

                    Assert.True(probe.ServerDuration < ContractBound, $"/health of {service} reported {probe.ServerDuration.TotalMilliseconds:0} ms while {resource} hung.");
                    Assert.True(probe.Elapsed < GenerousRoundTrip, $"/health of {service} took {probe.Elapsed.TotalMilliseconds:0} ms round trip while {resource} hung.");
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.StatusCode);
                    Assert.Equal("Unhealthy", probe.Checks[check]);
                }
            }
        }
        finally
        {
            Topology.Resume(resource);
        }

        foreach (var service in Services)
        {
            var (probe, _) = await HealthProbe.WaitForAsync(service, HttpStatusCode.OK, RecoveryBound);
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
    }
}
