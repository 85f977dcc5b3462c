using Microsoft.AspNetCore.Diagnostics;

namespace AuthService.Apis;

/// <summary>
/// Unreadable requests (malformed JSON, wrong content type, body too large) are the client's fault. In Development
/// minimal APIs throw them (<c>RouteHandlerOptions.ThrowOnBadRequest</c>) instead of answering; this keeps their
/// status (400, 413, 415) rather than letting them become 500s.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode },
        });
    }
}
