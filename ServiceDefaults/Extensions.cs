using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ServiceDefaults.AuthPath;
using ServiceDefaults.Health;
using ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

// Shaped like Aspire's ServiceDefaults template, with two deliberate differences:
// /health and /alive are mapped in every environment (orchestrators and load balancers probe them in production),
// and every health check is time-bounded so readiness answers within a second even when a dependency hangs.
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.AddProblemDetails();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Turn on resilience by default; clients with their own needs (the auth path) replace it.
            http.AddStandardResilienceHandler();

            // Turn on service discovery by default
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Environment.ApplicationName;

        // ASP.NET Core's hosting log line "Request starting ..." carries the full URL, query string included,
        // and browsers send their token as ?access_token=. Keep that category quiet whatever the configuration says.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Polly")
                    .AddMeter(AuthPathCircuit.MeterName)
                    .AddMeter(serviceName, $"{serviceName}.*");
            })
            .WithTracing(tracing =>
            {
                if (!HasOtlpExporter(builder))
                {
                    // Nothing would export the spans: do not record them (on a busy node they cost a sixth of what a
                    // message allocates; docs/benchmarks.md).
                    tracing.SetSampler(new AlwaysOffSampler());
                }

                tracing.AddSource(serviceName, $"{serviceName}.*")
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        // Probes would drown the traces the dashboard is for.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                        options.EnrichWithHttpRequest = (activity, request) =>
                            QueryStringRedaction.Apply(activity, request.QueryString);
                    })
                    .AddHttpClientInstrumentation(options =>
                        options.EnrichWithHttpRequestMessage = (activity, request) =>
                            QueryStringRedaction.Apply(activity, request.RequestUri));
            });

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (HasOtlpExporter(builder))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static bool HasOtlpExporter(IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HealthCheckTimeoutOptions>()
            .BindConfiguration(HealthCheckTimeoutOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureOptions<BoundHealthCheckRegistrations>();

        builder.Services.AddHealthChecks()
            // Add a default liveness check to ensure app is responsive
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // All health checks must pass for the app to be considered ready to accept traffic after starting
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = ReadinessReportPublishing.PublishThenWriteAsync,
        }).DisableHttpMetrics();

        // Only health checks tagged with the "live" tag must pass for the app to be considered alive
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics();

        return app;
    }

}
