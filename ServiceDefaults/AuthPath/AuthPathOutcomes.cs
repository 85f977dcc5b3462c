using System.Net;
using System.Net.Http;
using Polly;
using Polly.Timeout;

namespace ServiceDefaults.AuthPath;

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
    /// A failure that came fast is retried: a refused or reset connection, a 5xx from one replica, which the retry may
    /// not meet again. Never a timeout: an AuthService that did not answer within one attempt is hung, and a second
    /// wait would only double what the connecting user waits. Nor a 429: AuthService asked us to slow down (it still
    /// counts against the circuit, which is the back-off that matters). Open-circuit rejections
    /// (<c>BrokenCircuitException</c>) and the caller's cancellation are never failures, so never retried.
    /// </summary>
    public static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        IsFailure(outcome)
        && outcome.Exception is not TimeoutRejectedException
        && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests;

    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
