namespace AppHost.HostExecutables;

/// <summary>
/// A Redis server run from this machine's <c>redis-server</c>, with the endpoint, password, connection string and
/// connection properties of Aspire's <c>RedisResource</c> (without TLS, as <c>WithoutHttpsCertificate</c>).
/// </summary>
public sealed class RedisExecutableResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string Scheme = "redis";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where the server's configuration file (which carries the password, so it never shows in a process list) is written.</summary>
    public required string DataDirectory { get; set; }

    internal string ConfigurationFile => Path.Combine(DataDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{Host}")),
        new("Port", ReferenceExpression.Create($"{Port}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Scheme)}://:{PasswordParameter:uri}@{Host}:{Port}")),
    ];
}
