namespace AppHost.Local;

/// <summary>
/// Settings of the local-mode AppHost, bound from the <c>LocalAppHost</c> configuration section
/// (appsettings.json, environment variables <c>LocalAppHost__*</c>, or <c>--LocalAppHost:Key=value</c>).
/// </summary>
public sealed class LocalAppHostOptions
{
    public const string SectionName = "LocalAppHost";

    /// <summary>Where PostgreSQL data, generated dev secrets and run markers live. Default: <c>.data/</c> in the repository.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Delete <see cref="DataDirectory"/> when the application stops (tests use a throwaway directory).</summary>
    public bool DeleteDataOnStop { get; set; }

    /// <summary>Number of ChatApi replicas (Aspire's <c>WithReplicas</c>).</summary>
    public int ChatApiReplicas { get; set; } = 2;

    /// <summary>Port of ChatApi replica 0; replica i listens on this port + i. 0 picks free ports.</summary>
    public int ChatApiPort { get; set; } = 5080;

    /// <summary>Number of AuthService replicas: <c>authservice</c>, then <c>authservice-1</c>, <c>authservice-2</c>...</summary>
    public int AuthServiceReplicas { get; set; } = 1;

    /// <summary>Port of AuthService; replica i listens on this port + i. 0 picks free ports.</summary>
    public int AuthServicePort { get; set; } = 5090;

    /// <summary>Port of PostgreSQL. 0 (default) picks a free port, as Aspire does for containers.</summary>
    public int PostgresPort { get; set; }

    /// <summary>Port of Redis. 0 (default) picks a free port.</summary>
    public int RedisPort { get; set; }

    /// <summary>Start the Aspire dashboard: null (default) when it is installed, true to require it, false never.</summary>
    public bool? Dashboard { get; set; }

    /// <summary>Dashboard ports (frontend, OTLP/gRPC, OTLP/HTTP). 0 picks free ports.</summary>
    public int DashboardPort { get; set; } = 18888;

    public int OtlpGrpcPort { get; set; } = 18889;

    public int OtlpHttpPort { get; set; } = 18890;

    /// <summary>ASPNETCORE_ENVIRONMENT of the services.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Use an already running PostgreSQL instead of starting one (Npgsql connection string, any database).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Use an already running Redis instead of starting one (StackExchange.Redis connection string).</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Extra PostgreSQL settings (<c>name=value</c>), e.g. <c>fsync=off</c> for throwaway test databases.</summary>
    public List<string> PostgresSettings { get; set; } = [];

    /// <summary>Extra environment variables per service (<c>authservice</c>, <c>chatapi</c>), on top of what Aspire would give them.</summary>
    public Dictionary<string, Dictionary<string, string>> ServiceEnvironment { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a resource may take to become healthy before the start fails.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);
}
