using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace AppHost.Testing.Clients;

/// <summary>
/// One call to a service's /health or /alive: as timed by the caller (<see cref="Elapsed"/>) and as reported by the
/// service itself (<see cref="ServerDuration"/>, the report's own <c>durationMs</c>), with the JSON body parsed.
/// </summary>
public sealed record HealthProbe(HttpStatusCode StatusCode, TimeSpan Elapsed, TimeSpan ServerDuration, string Status, IReadOnlyDictionary<string, string> Checks, string Body)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<HealthProbe> GetAsync(Uri service, string path = "/health")
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await Http.GetAsync(new Uri(service, path));
        var body = await response.Content.ReadAsStringAsync();
        stopwatch.Stop();

        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(check => check.GetProperty("name").GetString()!, check => check.GetProperty("status").GetString()!);
        var serverDuration = TimeSpan.FromMilliseconds(json.RootElement.GetProperty("durationMs").GetDouble());
        return new HealthProbe(response.StatusCode, stopwatch.Elapsed, serverDuration, json.RootElement.GetProperty("status").GetString()!, checks, body);
    }

    /// <summary>The overall status (Healthy, Degraded, Unhealthy) of a health report's JSON body.</summary>
    public static string StatusOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>
    /// Probes until <paramref name="status"/> is seen or <paramref name="within"/> has passed on <paramref name="clock"/>
    /// (by default one started now); returns the last probe and when, on that clock, it was sent.
    /// </summary>
    public static async Task<(HealthProbe Probe, TimeSpan SentAt)> WaitForAsync(Uri service, HttpStatusCode status, TimeSpan within, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        while (true)
        {
            var sentAt = clock.Elapsed;
            var probe = await GetAsync(service);
            if (probe.StatusCode == status || clock.Elapsed > within)
            {
                return (probe, sentAt);
            }

            await Task.Delay(50);
        }
    }
}
