using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AppHost.Infrastructure;

/// <summary>
/// PostgreSQL's connections, shared out so that every pool at its fullest still fits: Npgsql's default pool (100 per
/// data source) times the replicas of two services would exceed PostgreSQL's default <c>max_connections</c> (100)
/// and end in "too many clients already" under load. The AppHost sets <c>max_connections</c> on the server and
/// <c>Database:MaxPoolSize</c> on each service (README, "Configuration").
/// </summary>
/// <remarks>
/// Reserved connections are kept out of the pools: PostgreSQL's <c>superuser_reserved_connections</c> (3), the
/// AppHost's health checks, and a person or a test with psql. The rest is split by weight (ChatApi stores every
/// message, AuthService only logins and refreshes) and then evenly among each service's replicas.
/// </remarks>
public sealed record ConnectionBudget(int MaxConnections, int AuthServicePoolSize, int ChatApiPoolSize)
{
    public const string MaxConnectionsKey = "AppHost:Postgres:MaxConnections";
    public const string ReservedConnectionsKey = "AppHost:Postgres:ReservedConnections";

    /// <summary>The configuration key each service reads its pool size from (<c>Database__MaxPoolSize</c>).</summary>
    public const string PoolSizeEnvironmentVariable = "Database__MaxPoolSize";

    public const int DefaultMaxConnections = 100;
    public const int DefaultReservedConnections = 20;

    private const int AuthServiceWeight = 1;
    private const int ChatApiWeight = 2;

    public string MaxConnectionsSetting => MaxConnections.ToString(CultureInfo.InvariantCulture);

    public static ConnectionBudget From(IConfiguration configuration, int authServiceReplicas, int chatApiReplicas) => Split(
        configuration.GetValue(MaxConnectionsKey, DefaultMaxConnections),
        configuration.GetValue(ReservedConnectionsKey, DefaultReservedConnections),
        authServiceReplicas,
        chatApiReplicas);

    public static ConnectionBudget Split(int maxConnections, int reservedConnections, int authServiceReplicas, int chatApiReplicas)
    {
        var pooled = maxConnections - reservedConnections;
        var weights = AuthServiceWeight + ChatApiWeight;
        var authService = pooled * AuthServiceWeight / weights / Math.Max(1, authServiceReplicas);
        var chatApi = pooled * ChatApiWeight / weights / Math.Max(1, chatApiReplicas);
        if (reservedConnections < 0 || authService < 2 || chatApi < 2)
        {
            throw new DistributedApplicationException(
                $"PostgreSQL's {maxConnections} connections ({reservedConnections} reserved) leave too few for {authServiceReplicas} AuthService and {chatApiReplicas} ChatApi replicas: raise {MaxConnectionsKey}.");
        }

        return new ConnectionBudget(maxConnections, authService, chatApi);
    }
}
