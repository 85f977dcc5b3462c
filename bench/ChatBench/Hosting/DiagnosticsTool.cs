using System.Diagnostics;

namespace ChatBench.Hosting;

/// <summary>
/// The .NET diagnostics tools the profile runs (<c>dotnet-counters</c>, <c>dotnet-trace</c>), installed as global
/// dotnet tools (<c>dotnet tool install --global dotnet-trace</c>); found on PATH or in <c>~/.dotnet/tools</c>.
/// </summary>
internal static class DiagnosticsTool
{
    /// <summary>Linux perf, for an on-CPU profile with native and kernel frames; null when not installed (apt: linux-perf).</summary>
    public static string? Perf() => new[] { "/usr/bin/perf", "/usr/local/bin/perf" }.FirstOrDefault(File.Exists);

    public static string Find(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return tool;
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"));
        return directories.Select(directory => Path.Combine(directory, tool)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{tool} is not installed: dotnet tool install --global {tool}");
    }

    /// <summary>Runs the tool to its end; its output goes to the log, or to <paramref name="output"/> when given.</summary>
    public static async Task RunAsync(string tool, IEnumerable<string> arguments, TextWriter? output = null)
    {
        var info = new ProcessStartInfo(Find(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        (output ?? BenchConsole.Log).Write(await stdout);
        BenchConsole.Log.Write(await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode} (see {BenchConsole.LogPath}).");
        }
    }
}
