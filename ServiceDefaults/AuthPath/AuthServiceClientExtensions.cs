using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// The auth path: how every service calls AuthService. One circuit breaker per process, fast timeouts, one retry.
/// </summary>
public static class AuthServiceClientExtensions
{
    /// <summary>Resolved by service discovery from <c>services:authservice:http:0</c>.</summary>
    public const string AuthServiceBaseAddress = "http://authservice";

    /// <summary>
    /// Registers a typed client for AuthService with the auth path's resilience (and its options, circuit and pipeline).
    /// </summary>
    public static IHttpClientBuilder AddAuthServiceClient<TClient, TImplementation>(this IHostApplicationBuilder builder)
        where TClient : class
        where TImplementation : class, TClient
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.Services
            .AddHttpClient<TClient, TImplementation>(client => client.BaseAddress = new Uri(AuthServiceBaseAddress))
            .AddAuthPathResilience();
    }

    /// <inheritdoc cref="AddAuthServiceClient{TClient, TImplementation}(IHostApplicationBuilder)"/>
    public static IHttpClientBuilder AddAuthServiceClient<TClient>(this IHostApplicationBuilder builder)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.Services
            .AddHttpClient<TClient>(client => client.BaseAddress = new Uri(AuthServiceBaseAddress))
            .AddAuthPathResilience();
    }

    /// <summary>
    /// Replaces the default (standard) resilience handler of this client with the auth path's pipeline. Every client
    /// configured this way shares the process's single auth-path circuit.
    /// </summary>
    public static IHttpClientBuilder AddAuthPathResilience(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddAuthPath();

#pragma warning disable EXTEXP0001 // Experimental, but it is the library's own way to undo ConfigureHttpClientDefaults' handler.
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        // Not EnableReloads: the shared pipeline is built once (see AuthPathPipeline), whatever the registry does.
        builder.AddResilienceHandler(AuthPathPipeline.Name, static (pipeline, context) =>
            pipeline.AddPipeline(context.ServiceProvider.GetRequiredService<AuthPathPipeline>().Instance));

        // The handler just added lands after service discovery's; put it back where the standard handler was,
        // outermost, so that a retry resolves the endpoint again and may reach another AuthService replica.
        builder.ConfigureAdditionalHttpMessageHandlers(static (handlers, _) => MoveLastResilienceHandlerFirst(handlers));

        return builder;
    }

    /// <summary>Registers the auth path's options, circuit and pipeline once, whoever asks first.</summary>
    public static IServiceCollection AddAuthPath(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (services.Any(descriptor => descriptor.ServiceType == typeof(AuthPathPipeline)))
        {
            return services;
        }

        services.AddOptions<AuthPathResilienceOptions>()
            .BindConfiguration(AuthPathResilienceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuthPathCircuit>();
        services.TryAddSingleton<AuthPathPipeline>();

        return services;
    }

    private static void MoveLastResilienceHandlerFirst(IList<DelegatingHandler> handlers)
    {
#pragma warning disable EXTEXP0001 // ResilienceHandler is the type AddResilienceHandler adds.
        for (var i = handlers.Count - 1; i > 0; i--)
        {
            if (handlers[i] is ResilienceHandler authPath)
            {
                handlers.RemoveAt(i);
                handlers.Insert(0, authPath);
                return;
            }
        }
#pragma warning restore EXTEXP0001
    }
}
