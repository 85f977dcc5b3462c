namespace AppHost.HostExecutables;

/// <summary>
/// A PostgreSQL server run from this machine's binaries, with the endpoint, password, connection string and
/// connection properties of Aspire's <c>PostgresServerResource</c>, so that a service referencing it receives
/// exactly what the container would give it.
/// </summary>
public sealed class PostgresExecutableResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string UserName = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The cluster's data directory (initialised on first start, kept across runs like a data volume).</summary>
    public required string DataDirectory { get; set; }

    /// <summary>Resource name → database name, as <c>PostgresServerResource.Databases</c>.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabase(string resourceName, string databaseName) => _databases.TryAdd(resourceName, databaseName);

    internal ReferenceExpression BuildUri(string? databaseName = null)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("postgresql://");
        builder.Append($"{UserName:uri}:{PasswordParameter:uri}@{Host}:{Port}");
        if (databaseName is not null)
        {
            builder.AppendLiteral("/");
            builder.Append($"{databaseName:uri}");
        }

        return builder.Build();
    }

    internal ReferenceExpression BuildJdbcConnectionString(string? databaseName = null)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("jdbc:postgresql://");
        builder.Append($"{Host}:{Port}");
        if (databaseName is not null)
        {
            builder.Append($"/{databaseName:uri}");
        }

        return builder.Build();
    }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{Host}")),
        new("Port", ReferenceExpression.Create($"{Port}")),
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", BuildUri()),
        new("JdbcConnectionString", BuildJdbcConnectionString()),
    ];
}
