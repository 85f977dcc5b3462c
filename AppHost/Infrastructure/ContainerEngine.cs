using System.ComponentModel;
using System.Diagnostics;

namespace AppHost.Infrastructure;

/// <summary>Asks Docker or Podman whether an engine is running (a client binary or a socket file alone proves nothing).</summary>
internal static class ContainerEngine
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <param name="runtime">Aspire's <c>ASPIRE_CONTAINER_RUNTIME</c> (docker or podman); unset tries docker, then podman.</param>
    public static bool Answers(string? runtime)
    {
        string[] candidates = string.IsNullOrWhiteSpace(runtime) ? ["docker", "podman"] : [runtime];
        return candidates.Any(ServerAnswers);
    }

    private static bool ServerAnswers(string client)
    {
        var info = new ProcessStartInfo(client)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("info");
        info.ArgumentList.Add("--format");
        // The engine's version: only a running engine can tell it.
        info.ArgumentList.Add(client == "podman" ? "{{.Version.Version}}" : "{{.ServerVersion}}");
        try
        {
            using var process = Process.Start(info)!;
            if (!process.WaitForExit(Patience))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(process.StandardOutput.ReadToEnd());
        }
        catch (Win32Exception)
        {
            // No such client on this machine.
            return false;
        }
    }
}
