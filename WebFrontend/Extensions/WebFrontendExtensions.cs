using WebFrontend.Hosting;
using WebFrontend.Proxy;

namespace WebFrontend.Extensions;

public static class WebFrontendExtensions
{
    /// <summary>
    /// The reverse proxy in front of AuthService and ChatApi: routes and clusters from <see cref="ProxyRoutes"/>,
    /// destinations (<c>http://authservice</c>, <c>http://chatapi</c>) resolved by service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddWebFrontend(this IHostApplicationBuilder builder)
    {
        // YARP logs every forwarded URL at Information ("Proxying to ..."), query string included, and browsers pass
        // their access token as /ws?access_token=. Keep YARP at Warning whatever the configuration's default says.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        builder.Services.AddReverseProxy()
            .LoadFromMemory(ProxyRoutes.Routes, ProxyRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver();

        return builder;
    }

    /// <summary>The client (index.html and its ES modules) and the forwarded routes, on one origin.</summary>
    public static WebApplication MapWebFrontend(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Revalidate every time (ETag): an update of the client reaches browsers at their next load.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });

        app.MapReverseProxy(proxy => proxy.UseMiddleware<UnavailableUpstream>());
        return app;
    }
}
