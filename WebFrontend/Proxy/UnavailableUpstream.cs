using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace WebFrontend.Proxy;

/// <summary>
/// When a service behind the proxy cannot be reached, the browser gets what the services themselves answer when a
/// dependency is down: 503 with <c>Retry-After</c> and a problem+json body naming the service, instead of YARP's bare
/// 502. Errors on the client's side of the proxy (a closed tab) are left alone.
/// </summary>
public sealed partial class UnavailableUpstream(RequestDelegate next, IProblemDetailsService problemDetails, ILogger<UnavailableUpstream> logger)
{
    private const string RetryAfterSeconds = "2";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted || !IsUpstreamUnavailable(failure.Error))
        {
            return;
        }

        var service = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
        LogUnavailable(logger, service, failure.Error);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = $"{service} cannot be reached right now; try again in a few seconds.",
            },
        });
    }

    private static bool IsUpstreamUnavailable(ForwarderError error) => error is
        ForwarderError.Request or
        ForwarderError.RequestTimedOut or
        ForwarderError.NoAvailableDestinations or
        ForwarderError.ResponseHeaders or
        ForwarderError.UpgradeRequestDestination;

    [LoggerMessage(LogLevel.Warning, "{Service} could not be reached ({Error}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string service, ForwarderError error);
}
