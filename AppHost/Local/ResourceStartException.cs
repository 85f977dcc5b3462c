namespace AppHost.Local;

/// <summary>A resource did not become healthy: it exited, or it did not answer in time.</summary>
public sealed class ResourceStartException(string resource, string message) : Exception($"{resource}: {message}")
{
    public string Resource { get; } = resource;
}
