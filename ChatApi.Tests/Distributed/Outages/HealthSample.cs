using System.Net;
using System.Text.Json;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>Several <c>/health</c> probes of every ChatApi replica during an outage: the slowest answer, as the service reports it and as the test sees it.</summary>
public sealed record HealthSample(IReadOnlyList<HealthProbe> Probes)
{
    public TimeSpan MaxServerDuration => Probes.Max(probe => probe.ServerDuration);

    public TimeSpan MaxRoundTrip => Probes.Max(probe => probe.Elapsed);

    public static async Task<HealthSample> TakeAsync(IEnumerable<Uri> replicas, int rounds)
    {
        var probes = new List<HealthProbe>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var replica in replicas)
            {
                probes.Add(await HealthProbe.GetAsync(replica));
            }
        }

        return new HealthSample(probes);
    }

    /// <summary>The state of the auth path's circuit as ChatApi's <c>authservice</c> check reports it (Closed, Open, HalfOpen).</summary>
    public static string? CircuitOf(HealthProbe probe)
    {
        using var json = JsonDocument.Parse(probe.Body);
        foreach (var check in json.RootElement.GetProperty("checks").EnumerateArray())
        {
            if (check.GetProperty("name").GetString() == "authservice"
                && check.TryGetProperty("data", out var data)
                && data.TryGetProperty("circuit", out var circuit))
            {
                return circuit.GetString();
            }
        }

        return null;
    }

    /// <summary>Polls every replica until each answers 200 with <paramref name="check"/> Healthy; returns when the last one did.</summary>
    public static async Task<TimeSpan> WaitUntilHealthyAsync(IReadOnlyList<Uri> replicas, string check, System.Diagnostics.Stopwatch clock, TimeSpan within)
    {
        foreach (var replica in replicas)
        {
            while (true)
            {
                var probe = await HealthProbe.GetAsync(replica);
                if (probe.StatusCode == HttpStatusCode.OK && probe.Checks.GetValueOrDefault(check) == "Healthy")
                {
                    break;
                }

                Assert.True(clock.Elapsed < within, $"{replica} still {(int)probe.StatusCode} ({check} {probe.Checks.GetValueOrDefault(check)}) after {clock.Elapsed.TotalSeconds:0.0} s: {probe.Body}");
                await Task.Delay(50);
            }
        }

        return clock.Elapsed;
    }
}
