using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Serialization;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>
/// ChatApi's calls to AuthService, over the auth path (ServiceDefaults' resilience pipeline and circuit).
/// </summary>
/// <remarks>
/// Every failure to get an answer — transport error, timeout, open circuit, 5xx, garbage — comes back as an
/// "unavailable" result, never as an exception: the caller turns it into 503 + Retry-After (an escaped exception
/// was the old 1011). Only the caller's own cancellation is thrown. Exception messages are not logged: they can
/// carry addresses; the token never is.
/// </remarks>
internal sealed partial class AuthServiceClient(HttpClient httpClient, AuthTelemetry telemetry, TimeProvider timeProvider, ILogger<AuthServiceClient> logger)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public async Task<SigningKeysResult> GetSigningKeysAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        var (response, failure) = await SendAsync(request, cancellationToken);
        if (response is null)
        {
            return new SigningKeysResult.Unavailable(failure!);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new SigningKeysResult.Unavailable(UnexpectedStatus(response.StatusCode, "jwks"));
            }

            try
            {
                var json = await response.Content.ReadAsStringAsync(cancellationToken);
                var keys = new JsonWebKeySet(json).Keys
                    .Where(IsUsableSigningKey)
                    .GroupBy(key => key.Kid, StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
                return new SigningKeysResult.Loaded(keys);
            }
            catch (Exception exception) when (exception is ArgumentException or JsonException or HttpRequestException)
            {
                LogMalformedAnswer(logger, "jwks", exception.GetType().Name);
                return new SigningKeysResult.Unavailable("malformed JWKS");
            }
        }
    }

    public async Task<IntrospectionResult> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var result = await IntrospectCoreAsync(token, cancellationToken);
        telemetry.Introspected(
            timeProvider.GetElapsedTime(started),
            result switch
            {
                IntrospectionResult.Active => "active",
                IntrospectionResult.Inactive => "inactive",
                _ => "unavailable",
            });
        return result;
    }

    /// <summary>A cheap <c>GET /alive</c> through the auth path, so the circuit also learns of outages without traffic.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/alive");
        var (response, failure) = await SendAsync(request, cancellationToken);
        using (response)
        {
            return response is null ? failure
                : response.IsSuccessStatusCode ? null
                : $"HTTP {(int)response.StatusCode}";
        }
    }

    private async Task<IntrospectionResult> IntrospectCoreAsync(string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/introspect")
        {
            Content = JsonContent.Create(new IntrospectionRequest(token), options: JsonOptions),
        };
        var (response, failure) = await SendAsync(request, cancellationToken);
        if (response is null)
        {
            return new IntrospectionResult.Unavailable(failure!);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new IntrospectionResult.Unavailable(UnexpectedStatus(response.StatusCode, "introspect"));
            }

            IntrospectionResponse? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<IntrospectionResponse>(JsonOptions, cancellationToken);
            }
            catch (Exception exception) when (exception is JsonException or NotSupportedException or HttpRequestException)
            {
                LogMalformedAnswer(logger, "introspect", exception.GetType().Name);
                return new IntrospectionResult.Unavailable("malformed introspection answer");
            }

            if (answer is null || !answer.Active)
            {
                return answer is null
                    ? new IntrospectionResult.Unavailable("empty introspection answer")
                    : new IntrospectionResult.Inactive();
            }

            if (string.IsNullOrEmpty(answer.Sub) || string.IsNullOrEmpty(answer.Jti) || answer.Exp is not { } exp)
            {
                LogMalformedAnswer(logger, "introspect", "missing sub, jti or exp");
                return new IntrospectionResult.Unavailable("incomplete introspection answer");
            }

            return new IntrospectionResult.Active(new AuthenticatedUser(
                answer.Sub,
                answer.Username ?? answer.Sub,
                answer.Jti,
                answer.Sid,
                DateTimeOffset.FromUnixTimeSeconds(exp)));
        }
    }

    private async Task<(HttpResponseMessage? Response, string? Failure)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return (await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken), null);
        }
        catch (BrokenCircuitException)
        {
            // Also IsolatedCircuitException: rejected at once, without a network call.
            return (null, "circuit open");
        }
        catch (TimeoutRejectedException)
        {
            return (null, "timeout");
        }
        catch (HttpRequestException exception)
        {
            return (null, $"transport error ({exception.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, should the pipeline's own timeouts ever be longer.
            return (null, "timeout");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // E.g. service discovery finding no endpoint: still "AuthService cannot be reached", never a crash.
            LogUnexpectedFailure(logger, request.RequestUri?.AbsolutePath, exception.GetType().Name);
            return (null, $"unexpected {exception.GetType().Name}");
        }
    }

    private string UnexpectedStatus(HttpStatusCode statusCode, string call)
    {
        if (!AuthPathOutcomes.IsFailureStatus(statusCode))
        {
            // A 4xx here is a bug or a misconfiguration on one side, not an outage: say so loudly.
            LogUnexpectedStatus(logger, call, (int)statusCode);
        }

        return $"HTTP {(int)statusCode}";
    }

    private static bool IsUsableSigningKey(JsonWebKey key) =>
        key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve
        && key.Crv == JsonWebKeyECTypes.P256
        && !string.IsNullOrEmpty(key.Kid)
        && !string.IsNullOrEmpty(key.X)
        && !string.IsNullOrEmpty(key.Y)
        && (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig)
        && (string.IsNullOrEmpty(key.Alg) || key.Alg == SecurityAlgorithms.EcdsaSha256);

    [LoggerMessage(LogLevel.Warning, "AuthService answered {Call} with unexpected status {StatusCode}")]
    private static partial void LogUnexpectedStatus(ILogger logger, string call, int statusCode);

    [LoggerMessage(LogLevel.Warning, "AuthService's {Call} answer could not be read: {Problem}")]
    private static partial void LogMalformedAnswer(ILogger logger, string call, string problem);

    [LoggerMessage(LogLevel.Error, "Call to AuthService {Path} failed unexpectedly with {ExceptionType}")]
    private static partial void LogUnexpectedFailure(ILogger logger, string? path, string exceptionType);
}
