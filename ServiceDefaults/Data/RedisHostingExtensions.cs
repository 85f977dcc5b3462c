using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Health;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Redis client integration every service uses: one shared <see cref="IConnectionMultiplexer"/> and its health
/// check, from <c>ConnectionStrings:{name}</c>.
/// </summary>
/// <remarks>Same name and shape as Aspire's Aspire.StackExchange.Redis integration.</remarks>
public static class RedisHostingExtensions
{
    public static IHostApplicationBuilder AddRedisClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<ConfigurationOptions>? configureOptions = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not configured. The AppHost provides it; when running the service alone, set ConnectionStrings__{connectionName}.");
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // A service must start, report itself unready and recover on its own while Redis is down,
        // rather than crash at start-up.
        options.AbortOnConnectFail = false;
        options.ClientName ??= builder.Environment.ApplicationName;
        configureOptions?.Invoke(options);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));

        builder.Services.AddHealthChecks().Add(new(
            connectionName,
            services => new RedisHealthCheck(services.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus: null,
            tags: ["ready", "cache"]));

        return builder;
    }
}
