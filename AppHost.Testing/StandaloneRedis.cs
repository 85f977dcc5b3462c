using AppHost.HostExecutables;
using AppHost.Infrastructure;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost.Testing;

/// <summary>
/// The AppHost's Redis resource alone (the AppHost's model without the other resources): for tests of Redis-level
/// behaviour that stop and start the server under a client, and for the benchmark's SignalR peer. Created stopped;
/// <see cref="StartAsync"/> starts it.
/// </summary>
public sealed class StandaloneRedis : IAsyncDisposable
{
    private const string Name = "cache";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DistributedApplication _app;
    private readonly string _dataDirectory;

    private StandaloneRedis(DistributedApplication app, string dataDirectory, string connectionString)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        ConnectionString = connectionString;
    }

    /// <summary>What a service would receive as <c>ConnectionStrings:cache</c>; the port stays across restarts.</summary>
    public string ConnectionString { get; }

    /// <summary>The redis-server process while it runs (the benchmark measures its CPU).</summary>
    public int ProcessId =>
        _app.ResourceNotifications.TryGetCurrentState(Name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("Redis is not running.");

    public static async Task<StandaloneRedis> CreateAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var dataDirectory = Directory.CreateTempSubdirectory("chat-redis-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"{InfrastructureSelection.ConfigurationKey}=executables"],
            timeout.Token);
        var redis = builder.Resources.OfType<RedisExecutableResource>().Single();
        foreach (var resource in builder.Resources.Where(resource => resource != redis && resource != redis.PasswordParameter).ToList())
        {
            builder.Resources.Remove(resource);
        }

        builder.CreateResourceBuilder(redis).WithDataDirectory(dataDirectory).WithExplicitStart();
        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var connectionString = await app.GetConnectionStringAsync(Name, timeout.Token)
            ?? throw new InvalidOperationException("No connection string for the standalone Redis.");
        return new StandaloneRedis(app, dataDirectory, connectionString);
    }

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await ExecuteAsync(KnownResourceCommands.StartCommand, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync(
            Name,
            update => update.Snapshot.State?.Text == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy,
            timeout.Token);
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await ExecuteAsync(KnownResourceCommands.StopCommand, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync(Name, KnownResourceStates.TerminalStates, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(Name, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {Name}: {result.Message}");
        }
    }
}
