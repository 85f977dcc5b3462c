using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>
/// AuthService as the primary handler of the auth-path client: serves the JWKS, introspection and /alive, counts
/// the calls, and can be made to fail, hang or hold its answers.
/// </summary>
internal sealed class FakeAuthService : HttpMessageHandler
{
    private int _jwksCalls;
    private int _introspectionCalls;
    private int _aliveCalls;

    public List<TestSigningKey> Keys { get; } = [];

    public HashSet<string> RevokedTokenIds { get; } = [];

    /// <summary>Every call fails with this (e.g. 503), or with a transport error when <see cref="Down"/>.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Only introspection fails with this status.</summary>
    public HttpStatusCode? IntrospectionFailsWith { get; set; }

    public bool Down { get; set; }

    /// <summary>Calls never answer (until cancelled): a frozen AuthService.</summary>
    public bool Hang { get; set; }

    /// <summary>Real time a JWKS answer is held back.</summary>
    public TimeSpan JwksDelay { get; set; }

    /// <summary>Real time an introspection answer is held back.</summary>
    public TimeSpan IntrospectionDelay { get; set; }

    /// <summary>Thrown from every call: a bug somewhere below the client.</summary>
    public Exception? Throw { get; set; }

    public int JwksCalls => Volatile.Read(ref _jwksCalls);

    public int IntrospectionCalls => Volatile.Read(ref _introspectionCalls);

    public int AliveCalls => Volatile.Read(ref _aliveCalls);

    public int TotalCalls => JwksCalls + IntrospectionCalls + AliveCalls;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        switch (path)
        {
            case "/.well-known/jwks.json":
                Interlocked.Increment(ref _jwksCalls);
                break;
            case "/auth/introspect":
                Interlocked.Increment(ref _introspectionCalls);
                break;
            case "/alive":
                Interlocked.Increment(ref _aliveCalls);
                break;
        }

        if (Throw is not null)
        {
            throw Throw;
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Down)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (fake)");
        }

        if (FailWith is { } status)
        {
            return new HttpResponseMessage(status);
        }

        switch (path)
        {
            case "/.well-known/jwks.json":
                if (JwksDelay > TimeSpan.Zero)
                {
                    await Task.Delay(JwksDelay, cancellationToken);
                }

                return JsonAnswer(new { keys = Keys.Select(key => key.ToJwk()).ToArray() });
            case "/auth/introspect":
                if (IntrospectionDelay > TimeSpan.Zero)
                {
                    await Task.Delay(IntrospectionDelay, cancellationToken);
                }

                if (IntrospectionFailsWith is { } introspectionStatus)
                {
                    return new HttpResponseMessage(introspectionStatus);
                }

                var body = await request.Content!.ReadFromJsonAsync<JsonElement>(cancellationToken);
                return JsonAnswer(Introspect(body.GetProperty("token").GetString()!));
            case "/alive":
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("Healthy") };
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }

    private object Introspect(string token)
    {
        var jwt = new JsonWebToken(token);
        if (RevokedTokenIds.Contains(jwt.Id))
        {
            return new { active = false };
        }

        jwt.TryGetPayloadValue<string>("sid", out var sid);
        jwt.TryGetPayloadValue<string>("preferred_username", out var username);
        return new
        {
            active = true,
            sub = jwt.Subject,
            username,
            jti = jwt.Id,
            sid,
            exp = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToUnixTimeSeconds(),
        };
    }

    private static HttpResponseMessage JsonAnswer(object value) =>
        new(HttpStatusCode.OK) { Content = JsonContent.Create(value) };
}
