using System.Net;
using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDefaults.AuthPath;

namespace ChatApi.Extensions;

public static class ChatAuthenticationExtensions
{
    /// <summary>
    /// Token validation for the WebSocket path: <see cref="ITokenValidator"/>, the AuthService client over the auth
    /// path, the caches, the revocation listener and the <c>authservice</c> readiness check. Needs the Redis client
    /// (<c>AddRedisClient("cache")</c>).
    /// </summary>
    public static IHostApplicationBuilder AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<ChatAuthOptions>()
            .BindConfiguration(ChatAuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<AuthTelemetry>();

        builder.AddAuthServiceClient<AuthServiceClient>()
            // The client lives inside singletons (key cache, validator), so the factory never rotates its handler;
            // recycle pooled connections instead, the documented way for long-lived HttpClients.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AutomaticDecompression = DecompressionMethods.None,
            });

        services.TryAddSingleton<SigningKeyCache>();
        services.TryAddSingleton<LocalTokenValidator>();
        services.TryAddSingleton<IDistributedTokenStore, RedisDistributedTokenStore>();
        services.TryAddSingleton<TokenValidationCache>();
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<ITokenValidator>(sp => sp.GetRequiredService<TokenValidator>());
        services.AddHostedService<SigningKeyRefreshService>();
        services.AddHostedService<RevocationListener>();

        services.TryAddSingleton<AuthPathHealthCheck>();
        services.AddHealthChecks().AddCheck<AuthPathHealthCheck>("authservice", HealthStatus.Degraded);

        return builder;
    }
}
