namespace WebFrontend.Hosting;

/// <summary>
/// Defence in depth for a page that shows other people's text: scripts, styles and connections only from this
/// origin (no inline script, so injected markup cannot run), no framing, no referrer, no MIME sniffing.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    // 'self' covers ws:/wss: to this origin in CSP Level 3 (the socket to /ws).
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
