using System.Diagnostics;

namespace AppHost.Local;

/// <summary>One operating-system process started for a resource, its output forwarded line by line.</summary>
/// <remarks>
/// Children run in their own session (setsid) so the terminal's Ctrl+C reaches only the orchestrator, which then
/// stops them in reverse dependency order; they also carry the orchestrator's environment markers.
/// </remarks>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ChildProcess Start(ProcessLaunch launch, ILogSink sink)
    {
        var startInfo = new ProcessStartInfo
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        var command = new List<string>();
        if (ExecutableLocator.Find("setsid") is { } setsid)
        {
            command.Add(setsid);
        }

        if (launch.RunAsUser is { } user)
        {
            command.AddRange([ExecutableLocator.Find("setpriv") ?? "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--"]);
        }

        command.Add(launch.FileName);
        command.AddRange(launch.Arguments);
        startInfo.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A child sees the orchestrator's environment minus what orchestration sets per resource: the AppHost's
        // own launch profile (ASPIRE_*), or keys inherited from whoever started us, must not leak into a resource.
        foreach (var key in startInfo.Environment.Keys.Where(IsOrchestrationKey).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (key, value) in launch.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => Forward(sink, launch.LogSource, e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Forward(sink, launch.LogSource, e.Data, isError: true);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Nobody types into a child: a closed stdin also keeps tools from waiting for a prompt.
        process.StandardInput.Close();
        return child;
    }

    public void Signal(UnixSignal signal)
    {
        if (!HasExited)
        {
            UnixProcess.Signal(_process.Id, signal);
        }
    }

    /// <summary>Signals the process and every process it started.</summary>
    public void SignalTree(UnixSignal signal)
    {
        if (!HasExited)
        {
            UnixProcess.SignalTree(_process.Id, signal);
        }
    }

    /// <summary>Asks the process to stop with <paramref name="signal"/>, and kills it if it is still there after <paramref name="grace"/>.</summary>
    public async Task StopAsync(UnixSignal signal, TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }

        // A stopped (SIGSTOP) process cannot act on a signal until it runs again.
        SignalTree(UnixSignal.Continue);
        Signal(signal);
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Kill();
            await Exited.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public void Kill()
    {
        if (HasExited)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
    }

    public void Dispose() => _process.Dispose();

    private void OnExited()
    {
        // Exited fires before the redirected streams are drained; wait for them so the last lines are not lost.
        try
        {
            _process.WaitForExit();
            _exited.TrySetResult(_process.ExitCode);
        }
        catch (InvalidOperationException)
        {
            _exited.TrySetResult(-1);
        }
    }

    private static bool IsOrchestrationKey(string key) =>
        OrchestrationPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] OrchestrationPrefixes =
        ["ASPIRE_", "DOTNET_RESOURCE_SERVICE_", "DOTNET_DASHBOARD_", "OTEL_", "ASPNETCORE_URLS", "ConnectionStrings__", "services__", "LOCALAPPHOST_"];

    private static void Forward(ILogSink sink, string source, string? line, bool isError)
    {
        if (line is not null)
        {
            sink.Write(source, line, isError);
        }
    }
}
