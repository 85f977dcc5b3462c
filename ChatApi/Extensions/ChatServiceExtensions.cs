using ChatApi.Apis;
using ChatApi.Connections;
using ChatApi.Data;
using ChatApi.Hosting;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Readiness;
using ChatApi.Rooms;
using ChatApi.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServiceDefaults.Data;

namespace ChatApi.Extensions;

public static class ChatServiceExtensions
{
    public static IHostApplicationBuilder AddChatServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatDatabase();
        builder.AddRedisClient("cache");
        builder.AddChatAuthentication();

        var services = builder.Services;
        services.AddOptions<ChatApiOptions>()
            .BindConfiguration(ChatApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Hosted services start in registration order: the schema exists before anything writes.
        services.AddHostedService<ChatSchemaInitializer>();

        services.AddSingleton<ChatTelemetry>();
        services.AddSingleton(provider => new ClientFrameParser(provider.GetRequiredService<IOptions<ChatApiOptions>>().Value));
        services.AddSingleton<MessageStore>();
        services.AddSingleton<RoomHub>();
        services.AddSingleton<IMessagePublisher>(provider => provider.GetRequiredService<RoomHub>());
        services.AddSingleton<DependencyGuard>();
        services.AddSingleton<StoredMessagePublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<StoredMessagePublisher>());
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<MessageWriter>());
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<Auth.IRevocationObserver>(provider => provider.GetRequiredService<ConnectionRegistry>());
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<ChatSessionServices>();

        builder.AddChatReadiness();

        // After readiness: hosts stop services in reverse order, so agent runs end before sockets close with 1012.
        builder.AddChatAgents();
        return builder;
    }

    /// <summary>
    /// Readiness for new sessions: the health checks run every second in the background (and at every <c>/health</c>
    /// request, whose report is published too) and the latest answer is what <c>/ws</c> consults, so a connect never
    /// waits on a dependency probe. Shutdown turns readiness off first.
    /// </summary>
    private static void AddChatReadiness(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<IHealthCheckPublisher, ReadinessPublisher>();
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            // Every check, as /health runs them: PostgreSql and StackExchange.Redis (the client integrations'), authservice, shutdown.
            options.Period = TimeSpan.FromSeconds(1);
        });
        services.AddHealthChecks().AddCheck<ShutdownHealthCheck>("shutdown");
        services.AddHostedService<ShutdownCoordinator>();
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(20));
    }
}
