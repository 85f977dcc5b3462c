namespace AppHost.HostExecutables;

/// <summary>PostgreSQL or Redis must run from this machine's programs, and the program is not installed.</summary>
public sealed class MissingHostProgramException(string message) : DistributedApplicationException(message);
