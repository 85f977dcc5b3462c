using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace AuthService.Apis;

/// <summary>
/// A problem answer serialised once and written byte for byte the same every time. The framework's problem writer
/// adds a per-request <c>traceId</c>; an answer that must not differ between situations (unknown user or wrong
/// password) cannot carry one.
/// </summary>
public sealed class FixedProblemResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private readonly byte[] _body;

    public FixedProblemResult(int statusCode, string type, string title, string detail)
    {
        StatusCode = statusCode;
        _body = JsonSerializer.SerializeToUtf8Bytes(
            new ProblemDetails { Type = type, Title = title, Status = statusCode, Detail = detail },
            JsonSerializerOptions.Web);
    }

    public int? StatusCode { get; }

    public string ContentType => "application/problem+json";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode!.Value;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = _body.Length;
        return httpContext.Response.Body.WriteAsync(_body).AsTask();
    }
}
