using System.Net;
using System.Net.Http;
using Polly;
using Polly.Timeout;

namespace Microsoft.Extensions.Hosting.AuthPath;

/// <summary>Which outcomes of a call to AuthService count as failures of the auth path, and which are worth a retry.</summary>
public static class AuthPathOutcomes
{
    /// <summary>
    /// Transport errors, timeouts, 5xx, 408 and 429 mean AuthService cannot serve us. A 4xx such as 400 or 401 is an
    /// answer about the request, not about AuthService's health, so it must never open the circuit.
    /// </summary>
    public static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: null, Result: { } response } => IsFailureStatus(response.StatusCode),
        _ => false,
    };

    /// <summary>
    /// A failure is retried unless it is a 429: AuthService asked us to slow down, and a retry ~100 ms later would
    /// ignore that (it still counts against the circuit, which is the back-off that matters). Open-circuit
    /// rejections (<c>BrokenCircuitException</c>) and the caller's cancellation are never failures, so never retried.
    /// </summary>
    public static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        IsFailure(outcome) && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests;

    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
