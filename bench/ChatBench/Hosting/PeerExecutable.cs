using System.Reflection;

namespace ChatBench.Hosting;

/// <summary>Where the peers' executables were built (compiled in by ChatBench.csproj, same configuration as the benchmark).</summary>
internal static class PeerExecutable
{
    public static string Of(string project)
    {
        var path = typeof(PeerExecutable).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == $"Peer:{project}")?.Value
            ?? throw new InvalidOperationException($"No peer named {project} is built with the benchmark.");
        path = Path.GetFullPath(path);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The peer {project} is not built at {path}: build bench/ChatBench (it builds the peers).", path);
    }
}
