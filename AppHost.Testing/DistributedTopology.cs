using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using AppHost.HostExecutables;
using AppHost.Infrastructure;
using AppHost.Testing.Clients;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace AppHost.Testing;

/// <summary>
/// The whole system, started from <c>Projects.AppHost</c> through Aspire.Hosting.Testing: PostgreSQL and Redis as host
/// executables (fault injection needs their processes) on throwaway data, AuthService and ChatApi replicas on ports
/// Aspire chooses. Tests address each replica directly, and stop, start (resource commands), kill (SIGKILL) or
/// freeze (SIGSTOP) any resource.
/// </summary>
/// <remarks>
/// Replicas get stable test names: <c>authservice</c>, <c>authservice-1</c>..., <c>chatapi-0</c>, <c>chatapi-1</c>...,
/// and <c>webfrontend</c> when <see cref="TopologyOptions.WebFrontend"/> is on.
/// </remarks>
public sealed class DistributedTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How many lines of a logged failure a test's message shows (the exception and the top of its stack).</summary>
    private const int ExceptionLinesShown = 25;
    private static readonly bool EchoLogs = Environment.GetEnvironmentVariable("TEST_ECHO_LOGS") == "1";

    private readonly DistributedApplication _app;
    private readonly MachineLock _machineLock;
    private readonly string _dataDirectory;
    private readonly IReadOnlyDictionary<string, string> _resourceIds;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _frozen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private DistributedTopology(DistributedApplication app, MachineLock machineLock, string dataDirectory, IReadOnlyDictionary<string, string> resourceIds, string chatDb, string cache)
    {
        _app = app;
        _machineLock = machineLock;
        _dataDirectory = dataDirectory;
        _resourceIds = resourceIds;
        ChatDbConnectionString = chatDb;
        CacheConnectionString = cache;
        var logger = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var (name, resourceId) in resourceIds)
        {
            _ = CollectLogsAsync(logger, name, resourceId);
        }
    }

    /// <summary>The first AuthService replica (<c>authservice</c>), addressed directly.</summary>
    public Uri AuthService => AuthServices[0];

    public IReadOnlyList<Uri> AuthServices => Replicas("authservice");

    /// <summary>AuthService's endpoint as Aspire publishes it (the proxy in front of its replicas): what ChatApi discovers.</summary>
    public Uri AuthServiceEndpoint => _app.GetEndpoint("authservice", "http");

    public IReadOnlyList<Uri> ChatApi => Replicas("chatapi");

    /// <summary>The browser front end as Aspire publishes it: the origin ChatApi allows and the page's address.</summary>
    public Uri WebFrontend => _app.GetEndpoint("webfrontend", "http");

    public string ChatDbConnectionString { get; }

    public string CacheConnectionString { get; }

    public DistributedApplication Application => _app;

    public static async Task<DistributedTopology> StartAsync(TopologyOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TopologyOptions();
        var machineLock = await MachineLock.AcquireAsync(cancellationToken);
        try
        {
            return await StartLockedAsync(options, machineLock, cancellationToken);
        }
        catch
        {
            machineLock.Dispose();
            throw;
        }
    }

    private static async Task<DistributedTopology> StartLockedAsync(TopologyOptions options, MachineLock machineLock, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);

        var dataDirectory = Directory.CreateTempSubdirectory("chat-tests-").FullName;
        // PostgreSQL runs as the postgres account when the tests run as root: it must reach its directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101);
        }

        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"{InfrastructureSelection.ConfigurationKey}=executables",
                $"AppHost:ChatApiReplicas={Math.Max(1, options.ChatApiReplicas).ToString(CultureInfo.InvariantCulture)}",
                $"AppHost:AuthServiceReplicas={options.AuthServiceReplicas.ToString(CultureInfo.InvariantCulture)}",
            ],
            timeout.Token);

        var postgres = appHost.CreateResourceBuilder<PostgresExecutableResource>("postgres")
            .WithDataDirectory(Path.Combine(dataDirectory, "postgres"));
        if (!options.DurableStorage)
        {
            // Throwaway data: nothing to gain from flushing it to disk.
            postgres.WithSetting("fsync", "off").WithSetting("full_page_writes", "off");
        }

        appHost.CreateResourceBuilder<RedisExecutableResource>("cache")
            .WithDataDirectory(Path.Combine(dataDirectory, "cache"));

        foreach (var project in appHost.Resources.OfType<ProjectResource>().ToList())
        {
            // The front end reaches ChatApi by service discovery: without ChatApi it has nothing to forward to.
            if ((project.Name is "chatapi" or "webfrontend") && options.ChatApiReplicas == 0)
            {
                appHost.Resources.Remove(project);
                continue;
            }

            if (project.Name == "webfrontend" && !options.WebFrontend)
            {
                appHost.CreateResourceBuilder(project).WithExplicitStart();
            }

            if (!options.ServicesWaitForDependencies)
            {
                foreach (var wait in project.Annotations.OfType<WaitAnnotation>().ToList())
                {
                    project.Annotations.Remove(wait);
                }
            }

            var builder = appHost.CreateResourceBuilder(project)
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
                // No dashboard runs in tests: without a collector, services would hang on stop flushing telemetry.
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", string.Empty);
            if (project.Name == "authservice")
            {
                // Tests register hundreds of users from one loopback address; the abuse tests set the real limit back.
                builder.WithEnvironment("Auth__Throttling__RegistrationLimit", "1000000");
            }

            foreach (var (key, value) in options.ServiceEnvironment.GetValueOrDefault(project.Name) ?? [])
            {
                builder.WithEnvironment(key, value);
            }
        }

        var app = await appHost.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            var resourceIds = await WaitUntilHealthyAsync(app, options, timeout.Token);
            var chatDb = await app.GetConnectionStringAsync("chatdb", timeout.Token) ?? throw new InvalidOperationException("No chatdb connection string.");
            var cache = await app.GetConnectionStringAsync("cache", timeout.Token) ?? throw new InvalidOperationException("No cache connection string.");
            var topology = new DistributedTopology(app, machineLock, dataDirectory, resourceIds, chatDb, cache);

            // A replica's health check goes through Aspire's proxy, which any healthy replica answers: on a loaded
            // machine one replica can be reported healthy seconds before it listens. Ask each one.
            foreach (var replica in topology.ChatApi.Concat(topology.AuthServices))
            {
                await WaitForOwnReadinessAsync(replica);
            }

            return topology;
        }
        catch
        {
            await app.DisposeAsync();
            DeleteDirectory(dataDirectory);
            throw;
        }
    }

    /// <summary>The configuration (environment variables) the AppHost handed to <paramref name="resource"/>.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string resource) =>
        Latest(resource).Snapshot.EnvironmentVariables
            .Where(variable => variable.Value is not null)
            .ToDictionary(variable => variable.Name, variable => variable.Value!, StringComparer.Ordinal);

    /// <summary>
    /// What <paramref name="resources"/> logged as bugs so far: unhandled request exceptions and frames that failed
    /// unexpectedly, each line prefixed with its resource.
    /// </summary>
    public IReadOnlyList<string> ApplicationFailures(params string[] resources) =>
    [
        .. resources.SelectMany(resource =>
        {
            var lines = LogsOf(resource).Split(Environment.NewLine);
            // The line and the exception logged with it, which follows it.
            return lines
                .Select((line, index) => (line, index))
                .Where(entry => entry.line.Contains("thrown by the application", StringComparison.Ordinal)
                    || entry.line.Contains("unexpected failure", StringComparison.Ordinal))
                .Select(entry => $"{resource}: {string.Join(Environment.NewLine, lines.Skip(entry.index).Take(ExceptionLinesShown))}");
        }),
    ];

    /// <summary>Everything <paramref name="resource"/> has printed so far.</summary>
    public string LogsOf(string resource) =>
        _logs.TryGetValue(resource, out var lines) ? string.Join(Environment.NewLine, lines) : string.Empty;

    /// <summary>
    /// Everything <paramref name="resource"/> has printed, once <paramref name="until"/> holds for it: lines reach the
    /// test a moment after the process writes them.
    /// </summary>
    public async Task<string> WaitForLogsAsync(string resource, Func<string, bool> until)
    {
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            var logs = LogsOf(resource);
            if (until(logs))
            {
                return logs;
            }

            if (waiting.Elapsed > CommandTimeout)
            {
                throw new TimeoutException($"{resource} did not log what the test waited for within {CommandTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the resource with its stop command (SIGTERM; PostgreSQL's fast shutdown); completes once it has stopped.</summary>
    public async Task StopAsync(string resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StopCommand);
        await WaitForAsync(resource, update => IsStopped(update.Snapshot));
    }

    /// <summary>Starts a stopped resource again (same data); completes once its health checks have passed since.</summary>
    public async Task StartAsync(string resource)
    {
        // A new run has a new start time (the orchestrator's clock) and health checks run since (ours).
        var previousRun = Latest(resource).Snapshot.StartTimeStamp;
        var requestedAt = DateTime.UtcNow;
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
        await WaitForAsync(resource, update => IsRunning(update.Snapshot) && update.Snapshot.StartTimeStamp != previousRun && IsHealthySince(update.Snapshot, requestedAt));
        if (EnvironmentOf(resource).TryGetValue("ASPNETCORE_URLS", out var urls))
        {
            // A replica's health check goes through Aspire's proxy, which any healthy replica answers: ask this one.
            await WaitForOwnReadinessAsync(new Uri(urls.Split(';')[0]));
        }
    }

    /// <summary>
    /// Completes once every ChatApi replica takes new sessions again: a tokenless upgrade is answered 401 (the door got
    /// past readiness) rather than 503. It asks the door itself rather than /health: the door reads the latest report
    /// (the background one, refreshed every second, or the one a /health request just ran), and only a probe of /ws
    /// says what a client gets.
    /// </summary>
    public async Task WaitUntilChatTakesSessionsAsync()
    {
        var waiting = Stopwatch.StartNew();
        foreach (var replica in ChatApi)
        {
            while (true)
            {
                var (socket, status, _) = await ChatSocket.TryConnectAsync(replica, token: null);
                if (socket is not null)
                {
                    await socket.DisposeAsync();
                    throw new InvalidOperationException($"{replica} accepted a session without a token.");
                }

                if (status == HttpStatusCode.Unauthorized)
                {
                    break;
                }

                if (waiting.Elapsed > CommandTimeout)
                {
                    throw new TimeoutException($"{replica} still refused sessions with {(int)status} after {CommandTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>A hard crash: SIGKILL to the resource's process tree; completes once the orchestrator has seen it exit.</summary>
    public async Task KillAsync(string resource)
    {
        ProcessTree.Kill(ProcessId(resource));
        await WaitForAsync(resource, update => IsStopped(update.Snapshot));
    }

    /// <summary>Freezes the resource (SIGSTOP to its process tree): its sockets stay open and nothing answers.</summary>
    public void Pause(string resource)
    {
        var processId = ProcessId(resource);
        _frozen[resource] = processId;
        ProcessTree.Freeze(processId);
    }

    public void Resume(string resource)
    {
        if (_frozen.TryRemove(resource, out var processId))
        {
            ProcessTree.Thaw(processId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _frozen.Keys)
        {
            Resume(resource);
        }

        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        DeleteDirectory(_dataDirectory);
        _machineLock.Dispose();
    }

    private static async Task<IReadOnlyDictionary<string, string>> WaitUntilHealthyAsync(DistributedApplication app, TopologyOptions options, CancellationToken cancellationToken)
    {
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["postgres"] = 1,
            ["chatdb"] = 1,
            ["cache"] = 1,
            ["authservice"] = options.AuthServiceReplicas,
            ["chatapi"] = options.ChatApiReplicas,
        };
        if (options.WebFrontend && options.ChatApiReplicas > 0)
        {
            expected["webfrontend"] = 1;
        }

        var latest = new Dictionary<string, ResourceEvent>(StringComparer.Ordinal);
        await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (!expected.ContainsKey(update.Resource.Name))
            {
                continue;
            }

            if (update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state))
            {
                throw new InvalidOperationException($"{update.ResourceId} ended in state {state} while the topology was starting.");
            }

            latest[update.ResourceId] = update;
            var healthy = latest.Values.Where(e => IsRunning(e.Snapshot) && e.Snapshot.HealthStatus == HealthStatus.Healthy).ToList();
            if (expected.All(pair => healthy.Count(e => e.Resource.Name == pair.Key) == pair.Value))
            {
                break;
            }
        }

        // Replicas are numbered in a stable order for the life of the topology.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in latest.Values.GroupBy(e => e.Resource.Name))
        {
            var index = 0;
            foreach (var instance in group.OrderBy(e => e.ResourceId, StringComparer.Ordinal))
            {
                var name = group.Key switch
                {
                    "chatapi" => $"chatapi-{index}",
                    "authservice" when index > 0 => $"authservice-{index}",
                    _ => group.Key,
                };
                names[name] = instance.ResourceId;
                index++;
            }
        }

        return names;
    }

    private IReadOnlyList<Uri> Replicas(string service) =>
    [
        .. _resourceIds.Keys
            .Where(name => name == service || name.StartsWith($"{service}-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new Uri(EnvironmentOf(name)["ASPNETCORE_URLS"].Split(';')[0])),
    ];

    private ResourceEvent Latest(string resource) =>
        _app.ResourceNotifications.TryGetCurrentState(ResourceId(resource), out var update)
            ? update
            : throw new InvalidOperationException($"No state for {resource}.");

    private string ResourceId(string resource) =>
        _resourceIds.TryGetValue(resource, out var id) ? id : throw new ArgumentException($"No resource named '{resource}'.", nameof(resource));

    /// <summary>Every process of every resource alive now (services, their <c>dotnet run</c> hosts, servers and their children).</summary>
    public IReadOnlyList<int> ProcessesOfResources() =>
        [.. _resourceIds.Keys.SelectMany(resource => TryProcessId(resource) is { } root ? ProcessTree.Of(root) : [])];

    /// <summary>
    /// The process tree of one resource alive now, its root (what the orchestrator started: <c>dotnet run</c> for a
    /// project, the server or its launcher for an executable) first; empty while it has no process.
    /// </summary>
    public IReadOnlyList<int> ProcessesOf(string resource) => TryProcessId(resource) is { } root ? ProcessTree.Of(root) : [];

    /// <summary>The ports the resources listen on: their own listeners and Aspire's proxies.</summary>
    public IReadOnlyList<int> Ports() =>
    [
        .. _resourceIds.Keys.Select(resource => EnvironmentOf(resource).GetValueOrDefault("ASPNETCORE_URLS"))
            .OfType<string>()
            .Select(urls => new Uri(urls.Split(';')[0]).Port),
        new NpgsqlConnectionStringBuilder(ChatDbConnectionString).Port,
        ((System.Net.DnsEndPoint)ConfigurationOptions.Parse(CacheConnectionString).EndPoints[0]).Port,
        AuthServiceEndpoint.Port,
    ];

    private int? TryProcessId(string resource) =>
        Latest(resource).Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : null;

    private int ProcessId(string resource) =>
        Latest(resource).Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{resource} has no process.");

    private async Task ExecuteAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var result = await _app.ResourceCommands.ExecuteCommandAsync(ResourceId(resource), command, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {resource}: {result.Message}");
        }
    }

    private async Task WaitForAsync(string resource, Func<ResourceEvent, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var resourceId = ResourceId(resource);
        await foreach (var update in _app.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (update.ResourceId == resourceId && predicate(update))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="service"/>'s own /health reports Healthy, not merely 200: ChatApi's auth path is
    /// Degraded (still 200) while its circuit is open, and a cold start on a loaded machine can open it (AuthService's
    /// first answers outlast the 500 ms attempt timeout), so new tokens would get 503 for the break. AuthService has
    /// no Degraded check, so for it the two are the same.
    /// </summary>
    private static async Task WaitForOwnReadinessAsync(Uri service)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health", timeout.Token);
                if (response.IsSuccessStatusCode && HealthProbe.StatusOf(await response.Content.ReadAsStringAsync(timeout.Token)) == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static bool IsRunning(CustomResourceSnapshot snapshot) => snapshot.State?.Text == KnownResourceStates.Running;

    private static bool IsStopped(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state);

    /// <summary>A restarted resource keeps its last health reports until the checks run again: only fresh ones count.</summary>
    private static bool IsHealthySince(CustomResourceSnapshot snapshot, DateTime since) =>
        !snapshot.HealthReports.IsEmpty && snapshot.HealthReports.All(report => report.Status == HealthStatus.Healthy && report.LastRunAt >= since);

    private async Task CollectLogsAsync(ResourceLoggerService logger, string name, string resourceId)
    {
        try
        {
            await foreach (var batch in logger.WatchAsync(resourceId).WithCancellation(_stopping.Token))
            {
                foreach (var line in batch)
                {
                    _logs.GetOrAdd(name, _ => new()).Enqueue(line.Content);
                    if (EchoLogs)
                    {
                        Console.WriteLine($"{name,-12} {line.Content}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The topology is being disposed.
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp directory; nothing depends on it.
        }
    }
}
