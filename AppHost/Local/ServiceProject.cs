using System.Reflection;

namespace AppHost.Local;

/// <summary>
/// A service project referenced by the AppHost: its directory (the working directory, as with <c>dotnet run</c>)
/// and its build output. Recorded at build time by the RecordServiceProjects target, like Aspire's <c>Projects.*</c>.
/// </summary>
public sealed record ServiceProject(string Name, string ProjectDirectory, string TargetPath)
{
    public static ServiceProject AuthService => Get("AuthService");

    public static ServiceProject ChatApi => Get("ChatApi");

    /// <summary>The repository root the AppHost was built from (default home of <c>.data/</c> and <c>.tools/</c>).</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static ServiceProject Get(string name)
    {
        var parts = Metadata($"ServiceProject:{name}").Split('|');
        return new ServiceProject(name, Path.GetDirectoryName(parts[0])!, parts[1]);
    }

    private static string Metadata(string key) =>
        typeof(ServiceProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The AppHost was built without the '{key}' metadata; rebuild it.");
}
