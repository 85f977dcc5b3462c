using System.Diagnostics;

namespace ChatBench.Hosting;

/// <summary>A server the benchmark starts itself (a peer, the peer's Redis): output to the log, killed on dispose.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    public int Pid => _process.Id;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, line) => Echo(name, line.Data);
        process.ErrorDataReceived += (_, line) => Echo(name, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, name);
    }

    /// <summary>Throws, naming the process, when it has already exited (a server that failed to start).</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} (its output is in {BenchConsole.LogPath}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Echo(string name, string? line)
    {
        if (line is not null)
        {
            BenchConsole.Log.WriteLine($"{name,-12} {line}");
        }
    }
}
