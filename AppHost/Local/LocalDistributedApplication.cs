using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AppHost.Local;

/// <summary>
/// The local-mode AppHost: the topology of AppHost.cs (postgres/chatdb, cache, authservice, N chatapi replicas,
/// the dashboard) as child processes on loopback. Each resource starts when what it depends on is healthy and
/// everything stops in reverse order. Used by <c>dotnet run --project AppHost</c> and by the distributed tests alike.
/// </summary>
public sealed class LocalDistributedApplication : IAsyncDisposable
{
    public const string LogSource = "apphost";
    public const string DatabaseName = "chatdb";

    private readonly LocalRunContext _context;
    private readonly List<LocalResource> _resources;
    private readonly EventHandler _onProcessExit;
    private int _stopped;

    private LocalDistributedApplication(
        LocalRunContext context,
        PostgresResource? postgres,
        RedisResource? cache,
        DashboardResource? dashboard,
        IReadOnlyList<ProjectResource> authService,
        IReadOnlyList<ProjectResource> chatApi,
        string chatDbConnectionString,
        string cacheConnectionString)
    {
        _context = context;
        Postgres = postgres;
        Cache = cache;
        Dashboard = dashboard;
        AuthServiceReplicas = authService;
        ChatApi = chatApi;
        ChatDbConnectionString = chatDbConnectionString;
        CacheConnectionString = cacheConnectionString;
        _resources = [.. new LocalResource?[] { dashboard, postgres, cache }.OfType<LocalResource>(), .. authService, .. chatApi];
        _onProcessExit = (_, _) => KillEverything();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>Null when an external PostgreSQL was configured.</summary>
    public PostgresResource? Postgres { get; }

    /// <summary>Null when an external Redis was configured.</summary>
    public RedisResource? Cache { get; }

    /// <summary>Null when the dashboard is not installed or turned off.</summary>
    public DashboardResource? Dashboard { get; }

    /// <summary>The first AuthService replica, named <c>authservice</c>.</summary>
    public ProjectResource AuthService => AuthServiceReplicas[0];

    public IReadOnlyList<ProjectResource> AuthServiceReplicas { get; }

    public IReadOnlyList<ProjectResource> ChatApi { get; }

    public string ChatDbConnectionString { get; }

    public string CacheConnectionString { get; }

    /// <summary>The marker every process of this run carries (<see cref="LocalRunContext.SessionVariable"/>).</summary>
    public string SessionId => _context.SessionId;

    public IReadOnlyList<LocalResource> Resources => _resources;

    public LocalResource GetResource(string name) =>
        _resources.SingleOrDefault(resource => resource.Name == name)
        ?? throw new ArgumentException($"No resource named '{name}'.", nameof(name));

    /// <summary>Ids of processes still alive that were started by this run (their children included).</summary>
    public IReadOnlyList<int> FindProcessesOfThisRun() =>
        UnixProcess.FindByEnvironment(LocalRunContext.SessionVariable, SessionId);

    public static async Task<LocalDistributedApplication> StartAsync(
        LocalAppHostOptions options,
        ILogSink sink,
        CancellationToken cancellationToken = default)
    {
        var app = Create(options, sink);
        try
        {
            await app.StartAllAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public void PrintSummary()
    {
        _context.Log("Everything is healthy:");
        foreach (var resource in _resources)
        {
            _context.Log($"  {resource.Name,-12} {resource.Describe()}");
        }

        _context.Log($"  WebSocket    {string.Join(", ", ChatApi.Select(replica => new UriBuilder(replica.Endpoint) { Scheme = "ws", Path = "/ws" }.Uri))}");
        _context.Log("Press Ctrl+C to stop.");
    }

    /// <summary>Stops every resource once, dependents before their dependencies.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _context.Log("Stopping...");
        var stopped = new Dictionary<LocalResource, Task>();
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            var dependents = _resources.Where(other => other.DependsOn.Contains(resource)).Select(other => stopped[other]);
            stopped[resource] = StopAfterAsync(resource, [.. dependents]);
        }

        await Task.WhenAll(stopped.Values);
        KillEverything();
        _context.Log("Stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        if (_context.Options.DeleteDataOnStop)
        {
            TryDelete(_context.DataDirectory);
            if (Postgres is not null && !Postgres.DataDirectory.StartsWith(_context.DataDirectory, StringComparison.Ordinal))
            {
                TryDelete(Postgres.DataDirectory);
            }
        }
    }

    private static LocalDistributedApplication Create(LocalAppHostOptions options, ILogSink sink)
    {
        var repositoryRoot = ServiceProject.RepositoryRoot;
        var dataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(repositoryRoot, ".data"));
        Directory.CreateDirectory(dataDirectory);
        var context = new LocalRunContext(options, dataDirectory, sink);
        StopLeftovers(context);

        var postgresBin = options.PostgresConnectionString is null ? ExecutableLocator.FindPostgresBinDirectory() : null;
        var redisServer = options.RedisConnectionString is null ? ExecutableLocator.Find("redis-server", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin") : null;
        var dashboardCli = options.Dashboard is false ? null : DashboardResource.FindCli(repositoryRoot);
        RequirePrerequisites(options, postgresBin, redisServer, dashboardCli);
        if (dashboardCli is null && options.Dashboard is null)
        {
            context.Log("The Aspire dashboard is not installed, so telemetry goes nowhere. To get it: eng/bootstrap.sh (or npm install --prefix .tools @microsoft/aspire-cli-linux-x64).");
        }

        var secrets = DevSecrets.Load(dataDirectory);

        var postgres = postgresBin is null
            ? null
            : new PostgresResource(context, postgresBin, PostgresDataDirectory(context), PortAllocator.Resolve(options.PostgresPort, nameof(options.PostgresPort)), secrets.Password("postgres-password"), DatabaseName);
        var cache = redisServer is null
            ? null
            : new RedisResource(context, redisServer, PortAllocator.Resolve(options.RedisPort, nameof(options.RedisPort)), secrets.Password("cache-password"));
        var dashboard = dashboardCli is null
            ? null
            : new DashboardResource(
                context,
                dashboardCli,
                PortAllocator.Resolve(options.DashboardPort, nameof(options.DashboardPort)),
                PortAllocator.Resolve(options.OtlpGrpcPort, nameof(options.OtlpGrpcPort)),
                PortAllocator.Resolve(options.OtlpHttpPort, nameof(options.OtlpHttpPort)));

        var chatDb = postgres?.ConnectionString ?? options.PostgresConnectionString!;
        var cacheConnection = cache?.ConnectionString ?? options.RedisConnectionString!;
        LocalResource[] data = [.. new LocalResource?[] { postgres, cache }.OfType<LocalResource>()];

        var authService = new List<ProjectResource>();
        for (var replica = 0; replica < Math.Max(1, options.AuthServiceReplicas); replica++)
        {
            var name = replica == 0 ? "authservice" : $"authservice-{replica.ToString(CultureInfo.InvariantCulture)}";
            var environment = ServiceEnvironment(options, dashboard, "authservice", name, chatDb, cacheConnection);
            foreach (var (key, value) in AuthServiceSecrets(secrets))
            {
                environment[key] = value;
            }

            var port = options.AuthServicePort == 0 ? 0 : options.AuthServicePort + replica;
            authService.Add(new ProjectResource(
                context,
                name,
                ServiceProject.AuthService,
                PortAllocator.Resolve(port, nameof(options.AuthServicePort)),
                WithOverrides(environment, options, "authservice"),
                data));
        }

        var chatApi = new List<ProjectResource>();
        for (var replica = 0; replica < options.ChatApiReplicas; replica++)
        {
            var name = $"chatapi-{replica.ToString(CultureInfo.InvariantCulture)}";
            var environment = ServiceEnvironment(options, dashboard, "chatapi", name, chatDb, cacheConnection);
            // Aspire's WithReference(authservice): service discovery keys, one per replica endpoint.
            for (var index = 0; index < authService.Count; index++)
            {
                environment[$"services__authservice__http__{index.ToString(CultureInfo.InvariantCulture)}"] = authService[index].Endpoint.ToString().TrimEnd('/');
            }

            var port = options.ChatApiPort == 0 ? 0 : options.ChatApiPort + replica;
            chatApi.Add(new ProjectResource(
                context,
                name,
                ServiceProject.ChatApi,
                PortAllocator.Resolve(port, nameof(options.ChatApiPort)),
                WithOverrides(environment, options, "chatapi"),
                [.. data, .. authService]));
        }

        return new LocalDistributedApplication(context, postgres, cache, dashboard, authService, chatApi, chatDb, cacheConnection);
    }

    /// <summary>Secrets the AuthService gets as parameters (in Aspire mode: the secret parameter of the same name in AppHost.cs).</summary>
    private static Dictionary<string, string> AuthServiceSecrets(DevSecrets secrets) => new()
    {
        // Encrypts the private signing keys AuthService stores in chatdb.
        ["Auth__SigningKeyEncryptionSecret"] = secrets.Key("signing-key-encryption-secret", 32),
    };

    /// <summary>The configuration Aspire hands a project: connection strings, environment and OpenTelemetry settings.</summary>
    private static Dictionary<string, string> ServiceEnvironment(
        LocalAppHostOptions options,
        DashboardResource? dashboard,
        string serviceName,
        string instanceName,
        string chatDb,
        string cache)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = options.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = options.EnvironmentName,
            [$"ConnectionStrings__{DatabaseName}"] = chatDb,
            ["ConnectionStrings__cache"] = cache,
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceName}",
            // One line per log entry reads better behind the resource prefix.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };

        if (dashboard is not null)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcUrl.ToString().TrimEnd('/');
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            environment["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
            environment["OTEL_TRACES_SAMPLER"] = "always_on";
        }

        return environment;
    }

    private static Dictionary<string, string> WithOverrides(Dictionary<string, string> environment, LocalAppHostOptions options, string service)
    {
        if (options.ServiceEnvironment.TryGetValue(service, out var overrides))
        {
            foreach (var (key, value) in overrides)
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    private static void RequirePrerequisites(LocalAppHostOptions options, string? postgresBin, string? redisServer, string? dashboardCli)
    {
        var missing = new List<string>();
        if (options.PostgresConnectionString is null && postgresBin is null)
        {
            missing.Add("PostgreSQL server (initdb, postgres): sudo apt-get install -y postgresql   (macOS: brew install postgresql@16)");
        }

        if (options.RedisConnectionString is null && redisServer is null)
        {
            missing.Add("Redis (redis-server): sudo apt-get install -y redis-server   (macOS: brew install redis)");
        }

        if (options.Dashboard is true && dashboardCli is null)
        {
            missing.Add("Aspire dashboard (aspire CLI): eng/bootstrap.sh, or npm install --prefix .tools @microsoft/aspire-cli-linux-x64");
        }

        if (missing.Count > 0)
        {
            throw new MissingPrerequisiteException(
                "Local mode runs PostgreSQL and Redis from this machine's binaries, and some are missing. Install:"
                + Environment.NewLine + string.Join(Environment.NewLine, missing.Select(item => "  - " + item))
                + Environment.NewLine + "Or point at running servers: --LocalAppHost:PostgresConnectionString=... / --LocalAppHost:RedisConnectionString=..."
                + Environment.NewLine + "Or use Aspire mode with a container runtime (README: Two AppHost modes).");
        }
    }

    /// <summary>
    /// PostgreSQL's data lives in the data directory unless we are root and the postgres user cannot reach it
    /// (a clone under /root): then in /var/tmp, under a name derived from the data directory.
    /// </summary>
    private static string PostgresDataDirectory(LocalRunContext context)
    {
        var preferred = Path.Combine(context.DataDirectory, "postgres");
        if (!UnixProcess.IsRoot || FileOwnership.IsTraversableByOthers(context.DataDirectory))
        {
            return preferred;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context.DataDirectory)))[..12];
        var fallback = Path.Combine("/var/tmp", $"aspire-chat-postgres-{hash}");
        context.Log($"postgres: the postgres user cannot reach {context.DataDirectory}; its data goes to {fallback}");
        return fallback;
    }

    /// <summary>Processes a crashed earlier run left behind on the same data directory hold its ports and database lock.</summary>
    private static void StopLeftovers(LocalRunContext context)
    {
        var leftovers = UnixProcess.FindByEnvironment(LocalRunContext.OwnerVariable, context.DataDirectory);
        foreach (var processId in leftovers)
        {
            UnixProcess.Signal(processId, UnixSignal.Kill);
        }

        if (leftovers.Count > 0)
        {
            context.Log($"Stopped {leftovers.Count} process(es) an earlier run left behind.");
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (leftovers.Any(UnixProcess.IsAlive) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = new Dictionary<LocalResource, Task>();
        foreach (var resource in _resources)
        {
            started[resource] = StartAfterAsync(resource, [.. resource.DependsOn.Select(dependency => started[dependency])], failed);
        }

        await Task.WhenAll(started.Values);
    }

    private async Task StartAfterAsync(LocalResource resource, Task[] dependencies, CancellationTokenSource failed)
    {
        await Task.WhenAll(dependencies);
        _context.Log($"Starting {resource.Name}...");
        try
        {
            await resource.StartAsync(failed.Token);
            _context.Log($"{resource.Name} is healthy: {resource.Describe()}");
        }
        catch (Exception exception) when (resource is DashboardResource && exception is not OperationCanceledException)
        {
            // Telemetry is a convenience: the application runs without it.
            _context.Log($"The dashboard did not start ({exception.Message}); continuing without it.", isError: true);
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
    }

    private static async Task StopAfterAsync(LocalResource resource, Task[] dependents)
    {
        await Task.WhenAll(dependents);
        await resource.StopAsync();
    }

    /// <summary>Last resort (and the safety net when the host process exits): SIGKILL whatever of this run is still alive.</summary>
    private void KillEverything()
    {
        foreach (var processId in FindProcessesOfThisRun())
        {
            UnixProcess.Signal(processId, UnixSignal.Kill);
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _context.Log($"Could not delete {directory}: {exception.Message}", isError: true);
        }
    }
}
