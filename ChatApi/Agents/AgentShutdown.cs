namespace ChatApi.Agents;

/// <summary>
/// Ends agent runs when the host stops. Registered after <see cref="Hosting.ShutdownCoordinator"/>, so its
/// <see cref="StoppingAsync"/> runs first (stopping goes in reverse registration order): every run sends its
/// <c>agent_completed</c> while the sockets are still open, before they are closed with 1012.
/// </summary>
public sealed class AgentShutdown(AgentRunner runner) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => runner.StopAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
