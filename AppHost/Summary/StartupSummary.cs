using System.Diagnostics;
using System.Text;
using AppHost.HostExecutables;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost.Summary;

/// <summary>
/// Once every resource is healthy, writes what people and scripts in a terminal need: the dashboard's login URL,
/// AuthService's URL, the chat's WebSocket URL, each ChatApi replica's own address and the browser client's URL.
/// </summary>
internal sealed partial class StartupSummary(
    DistributedApplicationModel model,
    DistributedApplicationOptions options,
    DistributedApplicationExecutionContext executionContext,
    ResourceNotificationService notifications,
    IConfiguration configuration,
    ILogger<StartupSummary> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!executionContext.IsRunMode)
        {
            return;
        }

        // Every resource with a health check, each replica counted.
        var expected = model.Resources
            .Where(resource => resource.Annotations.OfType<HealthCheckAnnotation>().Any())
            .ToDictionary(resource => resource.Name, resource => resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1, StringComparer.Ordinal);
        var latest = new Dictionary<string, ResourceEvent>(StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!expected.ContainsKey(update.Resource.Name))
                {
                    continue;
                }

                latest[update.ResourceId] = update;
                if (expected.All(pair => latest.Values.Count(e => e.Resource.Name == pair.Key && IsHealthy(e.Snapshot)) == pair.Value))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        LogReady(logger, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds, Describe(latest.Values));
    }

    private static bool IsHealthy(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == HealthStatus.Healthy;

    private string Describe(IEnumerable<ResourceEvent> instances)
    {
        var lines = new StringBuilder();
        void Line(string name, string value) => lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Environment.NewLine}  {name,-16} {value}");

        if (!options.DisableDashboard && configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { } dashboard)
        {
            Line("dashboard", configuration["AppHost:BrowserToken"] is { } token ? $"{dashboard}/login?t={token}" : dashboard);
        }

        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var endpoint = project.GetEndpoint("http").Url;
            var replicas = instances.Where(e => e.Resource == project).OrderBy(e => e.ResourceId, StringComparer.Ordinal).ToList();
            if (project.Name == "chatapi")
            {
                Line("chat WebSocket", $"{WebSocket(endpoint)} (balanced across {replicas.Count} ChatApi replicas)");
                foreach (var replica in replicas)
                {
                    Line(replica.ResourceId, WebSocket(OwnAddress(replica)));
                }
            }
            else if (project.Name == "webfrontend")
            {
                Line(project.Name, $"{endpoint} (the chat in a browser)");
            }
            else
            {
                Line(project.Name, endpoint);
            }
        }

        foreach (var server in model.Resources.OfType<PostgresExecutableResource>())
        {
            Line(server.Name, $"{server.PrimaryEndpoint.Host}:{server.PrimaryEndpoint.Port} (data {server.DataDirectory})");
        }

        foreach (var redis in model.Resources.OfType<RedisExecutableResource>())
        {
            Line(redis.Name, $"{redis.PrimaryEndpoint.Host}:{redis.PrimaryEndpoint.Port}");
        }

        return lines.ToString();
    }

    /// <summary>A replica's own listener (the endpoint above is Aspire's proxy in front of all of them).</summary>
    private static string OwnAddress(ResourceEvent replica) =>
        replica.Snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0] ?? "(unknown)";

    private static string WebSocket(string httpUrl) =>
        new UriBuilder(httpUrl) { Scheme = httpUrl.StartsWith("https", StringComparison.Ordinal) ? "wss" : "ws", Path = "/ws" }.Uri.ToString();

    [LoggerMessage(LogLevel.Information, "Everything is healthy, {Seconds:0.0} s after start:{Addresses}")]
    private static partial void LogReady(ILogger logger, double seconds, string addresses);
}
