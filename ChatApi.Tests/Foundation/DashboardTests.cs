#if !USE_ASPIRE
using System.Diagnostics;
using System.Text.Json;
using ChatApi.Tests.Infrastructure;

namespace ChatApi.Tests.Foundation;

/// <summary>
/// Local mode starts the Aspire dashboard (installed by eng/bootstrap.sh) and points every service's OTLP export at
/// it: the dashboard's telemetry API must list each service instance with logs and traces.
/// </summary>
[Trait("Requires", "LocalMode")]
public sealed class DashboardTests
{
    [Fact]
    public async Task Services_export_their_telemetry_to_the_dashboard()
    {
        await using var topology = await LocalTopology.StartAsync(new TopologyOptions { ChatApiReplicas = 1, Dashboard = true });
        var dashboard = topology.Application.Dashboard;
        Assert.NotNull(dashboard);
        using var http = new HttpClient { BaseAddress = dashboard.FrontendUrl };

        // Export runs on a one-second schedule; a traced request gives the services something to export.
        var deadline = Stopwatch.StartNew();
        var instances = new Dictionary<string, (bool Logs, bool Traces)>();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await http.GetAsync(new Uri(topology.ChatApi[0], "/not-found"));
            using var resources = JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/resources"));
            instances = resources.RootElement.EnumerateArray().ToDictionary(
                resource => resource.GetProperty("instanceId").GetString()!,
                resource => (resource.GetProperty("hasLogs").GetBoolean(), resource.GetProperty("hasTraces").GetBoolean()));
            if (instances.TryGetValue("authservice", out var auth) && auth.Logs
                && instances.TryGetValue("chatapi-0", out var chat) && chat.Logs && chat.Traces)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The dashboard saw only: {string.Join(", ", instances.Select(pair => $"{pair.Key} {pair.Value}"))}");
    }
}
#endif
