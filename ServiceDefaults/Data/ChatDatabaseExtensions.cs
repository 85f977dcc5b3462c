using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Data;

public static class ChatDatabaseExtensions
{
    /// <summary>The configuration key of a service's pool size; the AppHost sets it (<c>Database__MaxPoolSize</c>).</summary>
    public const string MaxPoolSizeKey = "Database:MaxPoolSize";

    /// <summary>
    /// Registers the <c>chatdb</c> data source (Aspire.Npgsql: health check, tracing, metrics), its statements
    /// prepared automatically, with the pool size the AppHost gave this service, so that every service's pool at its fullest fits PostgreSQL's max_connections
    /// (README, "Configuration").
    /// </summary>
    public static IHostApplicationBuilder AddChatDatabase(this IHostApplicationBuilder builder, string connectionName = "chatdb")
    {
        var maxPoolSize = builder.Configuration.GetValue<int?>(MaxPoolSizeKey);
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource =>
        {
            // The hot statements (a batch's store, a room's snapshot) are constant text: prepared once per connection,
            // PostgreSQL stops parsing and planning them per batch (its CPU per stored send fell by ~40 %,
            // docs/benchmarks.md).
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 20;
            if (maxPoolSize is { } size)
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = size;
            }
        });
        return builder;
    }
}
