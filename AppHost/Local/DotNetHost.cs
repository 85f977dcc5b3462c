namespace AppHost.Local;

/// <summary>The <c>dotnet</c> executable that runs the services: the one running us when we are run by it.</summary>
internal static class DotNetHost
{
    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath
            && System.IO.Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        return ExecutableLocator.Find("dotnet", "/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet") ?? "dotnet";
    }
}
