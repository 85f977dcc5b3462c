namespace ChatApi.Readiness;

/// <summary>chatdb or Redis cannot serve a session's call now (down, or hung past the timeout).</summary>
public sealed class DependencyUnavailableException(string dependency, string reason)
    : Exception($"{dependency} is unavailable: {reason}.")
{
    public string Dependency { get; } = dependency;
}
