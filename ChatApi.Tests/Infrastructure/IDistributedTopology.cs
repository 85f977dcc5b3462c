namespace ChatApi.Tests.Infrastructure;

/// <summary>
/// The running system as the tests see it, whichever AppHost mode started it: endpoints, connection strings, the
/// configuration each resource received, its logs, and the means to stop, restart, crash or freeze one resource.
/// </summary>
public interface IDistributedTopology : IAsyncDisposable
{
    /// <summary>The first AuthService replica (resource <c>authservice</c>).</summary>
    Uri AuthService { get; }

    /// <summary>Every AuthService replica: <c>authservice</c>, <c>authservice-1</c>, ...</summary>
    IReadOnlyList<Uri> AuthServices { get; }

    IReadOnlyList<Uri> ChatApi { get; }

    string ChatDbConnectionString { get; }

    string CacheConnectionString { get; }

    /// <summary>The configuration (environment variables) the orchestrator handed to <paramref name="resource"/>.</summary>
    IReadOnlyDictionary<string, string> EnvironmentOf(string resource);

    /// <summary>Everything <paramref name="resource"/> has printed so far.</summary>
    string LogsOf(string resource);

    /// <summary>Graceful stop (SIGTERM, or PostgreSQL's fast shutdown); completes when the process has exited.</summary>
    Task StopAsync(string resource);

    /// <summary>Starts a stopped resource again, same port and data; completes when it is healthy.</summary>
    Task StartAsync(string resource);

    /// <summary>Hard crash (SIGKILL).</summary>
    Task KillAsync(string resource);

    /// <summary>Freezes the resource (SIGSTOP): its sockets stay open and nothing answers.</summary>
    void Pause(string resource);

    void Resume(string resource);
}
