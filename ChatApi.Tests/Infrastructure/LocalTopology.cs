#if !USE_ASPIRE
using AppHost.Local;

namespace ChatApi.Tests.Infrastructure;

/// <summary>
/// The topology started by the local-mode AppHost code itself (<see cref="LocalDistributedApplication"/>, the same
/// code as <c>dotnet run --project AppHost</c>), on free ports, in a throwaway data directory.
/// </summary>
public sealed class LocalTopology : IDistributedTopology
{
    private readonly LocalDistributedApplication _app;
    private readonly TestLogSink _logs;

    private LocalTopology(LocalDistributedApplication app, TestLogSink logs)
    {
        _app = app;
        _logs = logs;
    }

    public Uri AuthService => _app.AuthService.Endpoint;

    public IReadOnlyList<Uri> AuthServices => [.. _app.AuthServiceReplicas.Select(replica => replica.Endpoint)];

    public IReadOnlyList<Uri> ChatApi => [.. _app.ChatApi.Select(replica => replica.Endpoint)];

    public string ChatDbConnectionString => _app.ChatDbConnectionString;

    public string CacheConnectionString => _app.CacheConnectionString;

    public LocalDistributedApplication Application => _app;

    public static async Task<LocalTopology> StartAsync(TopologyOptions options, CancellationToken cancellationToken = default)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("chat-tests-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as the postgres user when we are root: it must be able to reach its directory.
            File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101);
        }

        var logs = new TestLogSink();
        var appOptions = new LocalAppHostOptions
        {
            DataDirectory = dataDirectory,
            DeleteDataOnStop = true,
            ChatApiReplicas = options.ChatApiReplicas,
            AuthServiceReplicas = options.AuthServiceReplicas,
            ChatApiPort = 0,
            AuthServicePort = 0,
            Dashboard = options.Dashboard,
            DashboardPort = 0,
            OtlpGrpcPort = 0,
            OtlpHttpPort = 0,
            EnvironmentName = "Production",
            // Throwaway clusters: nothing to gain from flushing to disk.
            PostgresSettings = ["fsync=off", "full_page_writes=off"],
            ServiceEnvironment = options.ServiceEnvironment,
            StartTimeout = TimeSpan.FromSeconds(60),
        };

        try
        {
            return new LocalTopology(await LocalDistributedApplication.StartAsync(appOptions, logs, cancellationToken), logs);
        }
        catch (Exception exception) when (exception is ResourceStartException or MissingPrerequisiteException)
        {
            throw new InvalidOperationException($"The topology did not start: {exception.Message}{Environment.NewLine}{logs.Tail()}", exception);
        }
    }

    public IReadOnlyDictionary<string, string> EnvironmentOf(string resource) => _app.GetResource(resource).Environment;

    public string LogsOf(string resource) => _logs.LogsOf(resource);

    public Task StopAsync(string resource) => _app.GetResource(resource).StopAsync();

    public Task StartAsync(string resource) => _app.GetResource(resource).StartAsync(CancellationToken.None);

    public Task KillAsync(string resource) => _app.GetResource(resource).KillAsync();

    public void Pause(string resource) => _app.GetResource(resource).Pause();

    public void Resume(string resource) => _app.GetResource(resource).Resume();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
#endif
