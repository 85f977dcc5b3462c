namespace AppHost.Infrastructure;

/// <summary>How PostgreSQL and Redis run: as containers, or as this machine's programs.</summary>
public enum InfrastructureMode
{
    Containers,
    Executables,
}
