using AuthService.Tokens;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace AuthService.Apis;

/// <summary>
/// A dependency outage (PostgreSQL or Redis unreachable, no usable signing key) is not a bug: answer 503 with
/// <c>Retry-After</c> so clients and ChatApi back off and retry, instead of a 500.
/// </summary>
public sealed partial class DependencyUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    NpgsqlDataSource dataSource,
    ILogger<DependencyUnavailableExceptionHandler> logger) : IExceptionHandler
{
    private const string RetryAfterSeconds = "2";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (NpgsqlException { IsTransient: true } or RedisException or TimeoutException or SigningKeyUnavailableException))
        {
            return false;
        }

        // The type only: driver messages may name hosts, and the request may carry credentials.
        LogDependencyUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);

        if (exception is NpgsqlException)
        {
            // Idle pooled connections most likely died with the server: drop them, so that after a PostgreSQL
            // restart the next request opens a fresh connection instead of failing on the next stale one.
            dataSource.Clear();
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "A dependency of the token service is unavailable; try again shortly.",
            },
        });
    }

    [LoggerMessage(LogLevel.Warning, "Answered 503 to {Path}: dependency unavailable ({ExceptionType}).")]
    private static partial void LogDependencyUnavailable(ILogger logger, PathString path, string exceptionType);
}
