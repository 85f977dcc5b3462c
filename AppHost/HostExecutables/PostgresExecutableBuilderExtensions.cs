using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppHost.HostExecutables;

/// <summary>
/// <c>AddPostgres(...).AddDatabase(...)</c> for machines without a container engine: the same resources, names,
/// generated password, connection strings and health checks, run from this machine's PostgreSQL.
/// </summary>
public static class PostgresExecutableBuilderExtensions
{
    /// <summary>
    /// Runs the server program under a shell that turns the orchestrator's stop (SIGTERM, PostgreSQL's "smart"
    /// shutdown, which waits for every pooled client and ends in a kill and crash recovery) into a fast shutdown
    /// (SIGINT: roll back, close connections, checkpoint, exit).
    /// </summary>
    private const string FastShutdownShell =
        "trap 'kill -INT \"$child\" 2>/dev/null' TERM INT; \"$@\" & child=$!; "
        + "while :; do wait \"$child\"; status=$?; kill -0 \"$child\" 2>/dev/null || exit \"$status\"; done";

    public static IResourceBuilder<PostgresExecutableResource> AddPostgresExecutable(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var binDirectory = HostBinaries.RequirePostgresBinDirectory();
        var server = new PostgresExecutableResource(name, "/bin/sh", builder.AppHostDirectory, password)
        {
            DataDirectory = PostgresAccount.ReachableDirectory(Path.Combine(builder.AppHostDirectory, ".data", name)),
        };

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (@event, cancellationToken) =>
            PostgresCluster.InitialiseAsync(server, binDirectory, ResourceLogger(@event.Services, server), cancellationToken));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (@event, cancellationToken) =>
            PostgresCluster.CreateDatabasesAsync(server, ResourceLogger(@event.Services, server), cancellationToken));

        // As AddPostgres: the server's check connects to the maintenance database.
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => $"{connectionString ?? throw new InvalidOperationException("The connection string is not available yet.")};Database=postgres",
            name: healthCheckKey);

        return builder.AddResource(server)
            .WithEndpoint(name: PostgresExecutableResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("-c");
                context.Args.Add(FastShutdownShell);
                context.Args.Add("postgres-fast-shutdown");
                foreach (var argument in PostgresAccount.CommandLine(Path.Combine(binDirectory, "postgres")))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(server.DataDirectory);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=localhost");
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
            })
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Keeps the cluster in <paramref name="directory"/> (default: <c>.data/{name}</c> next to the AppHost); like a data volume, it outlives the app.</summary>
    public static IResourceBuilder<PostgresExecutableResource> WithDataDirectory(this IResourceBuilder<PostgresExecutableResource> builder, string directory)
    {
        builder.Resource.DataDirectory = PostgresAccount.ReachableDirectory(Path.GetFullPath(directory));
        return builder;
    }

    /// <summary>A server setting for this run (<c>postgres -c name=value</c>), e.g. <c>fsync=off</c> for throwaway data.</summary>
    public static IResourceBuilder<PostgresExecutableResource> WithSetting(this IResourceBuilder<PostgresExecutableResource> builder, string name, string value) =>
        builder.WithArgs("-c", $"{name}={value}");

    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresExecutableResource> builder,
        [ResourceName] string name,
        string? databaseName = null)
    {
        var database = new PostgresExecutableDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.AddDatabase(name, database.DatabaseName);
        var applicationBuilder = builder.ApplicationBuilder;

        applicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = ChildResourceState.FollowParentAsync(database, database.Parent, @event.Notifications, stopping);
            return Task.CompletedTask;
        });

        string? connectionString = null;
        applicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheckKey = $"{name}_check";
        applicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheckKey);

        return applicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static Microsoft.Extensions.Logging.ILogger ResourceLogger(IServiceProvider services, IResource resource) =>
        services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
}
