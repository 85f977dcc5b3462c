#if USE_ASPIRE
using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Infrastructure;

/// <summary>
/// The topology started by the real Aspire AppHost through <see cref="DistributedApplicationTestingBuilder"/>
/// (Aspire mode: containers for PostgreSQL and Redis). Resource names match the local mode: postgres, cache,
/// authservice (authservice-1...), chatapi-0, chatapi-1...; replicas are addressed directly, not through the proxy.
/// </summary>
/// <remarks>Freezing a resource (SIGSTOP) has no Aspire equivalent: those tests carry the trait Requires=LocalMode.</remarks>
public sealed class AspireTopology : IDistributedTopology
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private readonly DistributedApplication _app;
    private readonly Dictionary<string, string> _resourceIds;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _environments;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly CancellationTokenSource _stopping = new();

    private AspireTopology(
        DistributedApplication app,
        Dictionary<string, string> resourceIds,
        Dictionary<string, IReadOnlyDictionary<string, string>> environments,
        IReadOnlyList<Uri> authServices,
        IReadOnlyList<Uri> chatApi,
        string chatDb,
        string cache)
    {
        _app = app;
        _resourceIds = resourceIds;
        _environments = environments;
        AuthServices = authServices;
        ChatApi = chatApi;
        ChatDbConnectionString = chatDb;
        CacheConnectionString = cache;
        var logger = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var (name, resourceId) in resourceIds)
        {
            _ = CollectLogsAsync(logger, name, resourceId);
        }
    }

    public Uri AuthService => AuthServices[0];

    public IReadOnlyList<Uri> AuthServices { get; }

    public IReadOnlyList<Uri> ChatApi { get; }

    public string ChatDbConnectionString { get; }

    public string CacheConnectionString { get; }

    public static async Task<AspireTopology> StartAsync(TopologyOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        string[] args =
        [
            $"AppHost:ChatApiReplicas={options.ChatApiReplicas}",
            $"AppHost:AuthServiceReplicas={options.AuthServiceReplicas}",
            "AppHost:UseVolumes=false",
        ];
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, timeout.Token);
        foreach (var (service, variables) in options.ServiceEnvironment)
        {
            var project = appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(resource => resource.Name == service));
            foreach (var (key, value) in variables)
            {
                project.WithEnvironment(key, value);
            }
        }

        var app = await appHost.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        // Every replica is its own resource instance (chatapi-abcdwxyz); collect them once all are healthy.
        var expected = new Dictionary<string, int> { ["authservice"] = options.AuthServiceReplicas, ["chatapi"] = options.ChatApiReplicas };
        var instances = new Dictionary<string, ResourceEvent>();
        await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (expected.ContainsKey(resourceEvent.Resource.Name))
            {
                instances[resourceEvent.ResourceId] = resourceEvent;
            }

            var healthy = instances.Values.Where(e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy).ToList();
            if (expected.All(pair => healthy.Count(e => e.Resource.Name == pair.Key) == pair.Value))
            {
                break;
            }
        }

        var resourceIds = new Dictionary<string, string> { ["postgres"] = "postgres", ["cache"] = "cache" };
        var environments = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        var endpoints = new Dictionary<string, List<Uri>> { ["authservice"] = [], ["chatapi"] = [] };
        foreach (var group in instances.Values.GroupBy(e => e.Resource.Name))
        {
            var index = 0;
            foreach (var instance in group.OrderBy(e => e.ResourceId, StringComparer.Ordinal))
            {
                var name = group.Key == "chatapi" ? $"chatapi-{index}" : index == 0 ? "authservice" : $"authservice-{index}";
                var environment = instance.Snapshot.EnvironmentVariables
                    .Where(variable => variable.Value is not null)
                    .ToDictionary(variable => variable.Name, variable => variable.Value!);
                resourceIds[name] = instance.ResourceId;
                environments[name] = environment;
                // ASPNETCORE_URLS of the instance is its own listener, not the load-balancing proxy.
                endpoints[group.Key].Add(new Uri(environment["ASPNETCORE_URLS"].Split(';')[0]));
                index++;
            }
        }

        var chatDb = await app.GetConnectionStringAsync("chatdb", timeout.Token) ?? throw new InvalidOperationException("No chatdb connection string.");
        var cache = await app.GetConnectionStringAsync("cache", timeout.Token) ?? throw new InvalidOperationException("No cache connection string.");
        return new AspireTopology(app, resourceIds, environments, endpoints["authservice"], endpoints["chatapi"], chatDb, cache);
    }

    public IReadOnlyDictionary<string, string> EnvironmentOf(string resource) => _environments[resource];

    public string LogsOf(string resource) =>
        _logs.TryGetValue(resource, out var lines) ? string.Join(Environment.NewLine, lines) : string.Empty;

    public async Task StopAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(_resourceIds[resource], "resource-stop");
        Assert.True(result.Success, result.ErrorMessage);
        await _app.ResourceNotifications.WaitForResourceAsync(_resourceIds[resource], KnownResourceStates.TerminalStates);
    }

    public async Task StartAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(_resourceIds[resource], "resource-start");
        Assert.True(result.Success, result.ErrorMessage);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(_resourceIds[resource]);
    }

    /// <summary>Aspire has no hard kill; a stop is the closest it offers.</summary>
    public Task KillAsync(string resource) => StopAsync(resource);

    public void Pause(string resource) => throw new NotSupportedException("Freezing a resource needs local mode (SIGSTOP).");

    public void Resume(string resource) => throw new NotSupportedException("Freezing a resource needs local mode (SIGCONT).");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task CollectLogsAsync(ResourceLoggerService logger, string name, string resourceId)
    {
        try
        {
            await foreach (var batch in logger.WatchAsync(resourceId).WithCancellation(_stopping.Token))
            {
                foreach (var line in batch)
                {
                    _logs.GetOrAdd(name, _ => new()).Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The topology is being disposed.
        }
    }
}
#endif
