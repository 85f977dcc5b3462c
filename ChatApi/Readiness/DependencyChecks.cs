namespace ChatApi.Readiness;

/// <summary>
/// The readiness checks of ChatApi's dependencies, by the names their client integrations register them under
/// (Aspire.Npgsql, Aspire.StackExchange.Redis), and ChatApi's own.
/// </summary>
public static class DependencyChecks
{
    /// <summary>chatdb, through the service's NpgsqlDataSource.</summary>
    public const string Database = "PostgreSql";

    /// <summary>The Redis connection (cache, pub/sub).</summary>
    public const string Cache = "StackExchange.Redis";

    /// <summary>The auth path (Degraded, never Unhealthy: cached tokens keep working without AuthService).</summary>
    public const string AuthService = "authservice";

    /// <summary>Unhealthy once graceful shutdown has begun.</summary>
    public const string Shutdown = "shutdown";
}
