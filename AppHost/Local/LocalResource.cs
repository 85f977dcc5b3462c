namespace AppHost.Local;

/// <summary>
/// A resource of the local topology backed by one child process: started when its dependencies are healthy
/// (Aspire's <c>WaitFor</c>), considered running once its own readiness probe answers.
/// </summary>
public abstract class LocalResource : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private ChildProcess? _process;

    private protected LocalResource(LocalRunContext context, string name, IReadOnlyList<LocalResource> dependsOn)
    {
        Context = context;
        Name = name;
        DependsOn = dependsOn;
    }

    public string Name { get; }

    public IReadOnlyList<LocalResource> DependsOn { get; }

    public ResourceState State { get; private set; }

    /// <summary>Process id while running (the process itself: setsid and setpriv exec, they do not fork).</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The environment this resource's process is given on top of the orchestrator's own.</summary>
    public IReadOnlyDictionary<string, string> Environment => CreateLaunch().Environment;

    /// <summary>Completes when the current process exits, with its exit code.</summary>
    public Task<int> Exited => _process?.Exited ?? Task.FromResult(0);

    /// <summary>What the summary prints for this resource (URLs, addresses).</summary>
    public abstract string Describe();

    private protected LocalRunContext Context { get; }

    /// <summary>Stop signal and grace period before SIGKILL.</summary>
    private protected virtual UnixSignal StopSignal => UnixSignal.Terminate;

    private protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (State is ResourceState.Starting or ResourceState.Running)
            {
                throw new InvalidOperationException($"{Name} is already {State}.");
            }

            State = ResourceState.Starting;
        }

        try
        {
            await PrepareAsync(cancellationToken);
            _process?.Dispose();
            _process = ChildProcess.Start(CreateLaunch(), Context.Sink);
            await WaitUntilReadyAsync(_process, cancellationToken);
            State = ResourceState.Running;
        }
        catch
        {
            State = ResourceState.Failed;
            _process?.Kill();
            throw;
        }
    }

    /// <summary>Graceful stop: the resource's own stop signal, SIGKILL after its grace period.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        State = ResourceState.Stopping;
        await _process.StopAsync(StopSignal, StopGrace);
        State = ResourceState.Stopped;
    }

    /// <summary>Hard stop (SIGKILL): for fault tests that need a crash, not a shutdown.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.Kill();
        await _process.Exited;
        State = ResourceState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    /// <summary>Freezes the process and its children (SIGSTOP): sockets stay open and nothing answers, like a hung server.</summary>
    public void Pause() => _process?.SignalTree(UnixSignal.Stop);

    /// <summary>Resumes a paused process and its children (SIGCONT).</summary>
    public void Resume() => _process?.SignalTree(UnixSignal.Continue);

    private protected abstract ProcessLaunch CreateLaunch();

    /// <summary>One readiness probe; exceptions count as "not yet".</summary>
    private protected abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>Work before the process starts (PostgreSQL's initdb).</summary>
    private protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private protected Dictionary<string, string> BaseEnvironment() => new(Context.Markers);

    private async Task WaitUntilReadyAsync(ChildProcess process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Context.Options.StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new ResourceStartException(Name, $"exited with code {await process.Exited} before it was healthy (its output is above).");
            }

            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                probe.CancelAfter(ProbeTimeout);
                if (await IsReadyAsync(probe.Token))
                {
                    return;
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Not ready yet.
            }

            await Task.WhenAny(process.Exited, Task.Delay(ProbeInterval, timeout.Token));
            cancellationToken.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                throw new ResourceStartException(Name, $"not healthy after {Context.Options.StartTimeout.TotalSeconds:0} s.");
            }
        }
    }
}
