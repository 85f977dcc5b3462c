using Microsoft.Extensions.DependencyInjection;

namespace AppHost.HostExecutables;

/// <summary>
/// <c>AddRedis(...)</c> for machines without a container engine: the same resource, name, generated password,
/// connection string and health check, run from this machine's <c>redis-server</c>. Like the container, it keeps
/// nothing on disk: a cache.
/// </summary>
public static class RedisExecutableBuilderExtensions
{
    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        // StackExchange.Redis cannot parse passwords with commas: no special characters, as AddRedis.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new RedisExecutableResource(name, HostBinaries.RequireRedisServer(), builder.AppHostDirectory, password)
        {
            DataDirectory = Path.Combine(builder.AppHostDirectory, ".data", name),
        };

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, (_, cancellationToken) => WriteConfigurationAsync(redis, cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisExecutableResource.PrimaryEndpointName, scheme: RedisExecutableResource.Scheme, isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigurationFile);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Where the configuration file lives (default: <c>.data/{name}</c> next to the AppHost).</summary>
    public static IResourceBuilder<RedisExecutableResource> WithDataDirectory(this IResourceBuilder<RedisExecutableResource> builder, string directory)
    {
        builder.Resource.DataDirectory = Path.GetFullPath(directory);
        return builder;
    }

    /// <summary>The password goes into a file only this user can read, so it never shows in a process list or on the dashboard.</summary>
    private static async Task WriteConfigurationAsync(RedisExecutableResource redis, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(redis.DataDirectory);
        var password = await redis.PasswordParameter.GetValueAsync(cancellationToken);
        string[] lines =
        [
            "bind 127.0.0.1 -::1",
            $"requirepass {password}",
            "save \"\"",
            "appendonly no",
            $"dir \"{redis.DataDirectory}\"",
        ];
        await File.WriteAllTextAsync(redis.ConfigurationFile, string.Join('\n', lines) + "\n", cancellationToken);
        PrivateFile.Restrict(redis.ConfigurationFile);
    }
}
