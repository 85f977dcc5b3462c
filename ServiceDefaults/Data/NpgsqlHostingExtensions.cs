using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Health;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The PostgreSQL client integration every service uses: one <see cref="NpgsqlDataSource"/>, its health check and
/// its telemetry, from <c>ConnectionStrings:{name}</c>.
/// </summary>
/// <remarks>
/// Same name and shape as Aspire's Aspire.Npgsql integration (not restorable on our build machines), so switching to
/// the package later changes a reference, not the services.
/// </remarks>
public static class NpgsqlHostingExtensions
{
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlDataSourceBuilder>? configureDataSource = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not configured. The AppHost provides it; when running the service alone, set ConnectionStrings__{connectionName}.");
        }

        builder.Services.AddNpgsqlDataSource(connectionString, dataSource =>
        {
            dataSource.Name = connectionName;
            configureDataSource?.Invoke(dataSource);
        });

        builder.Services.AddHealthChecks().Add(new(
            connectionName,
            services => new NpgsqlHealthCheck(services.GetRequiredService<NpgsqlDataSource>()),
            failureStatus: null,
            tags: ["ready", "db"]));

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddNpgsql())
            .WithMetrics(metrics => metrics.AddNpgsqlInstrumentation());

        return builder;
    }
}
