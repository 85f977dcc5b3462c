using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace AppHost.Testing.Clients;

/// <summary>
/// A typed client for AuthService's HTTP API. The <c>*Async</c> calls assert success and return the parsed answer;
/// the <c>Send*Async</c> calls return the raw response for tests of error answers.
/// </summary>
/// <remarks>
/// AuthService throttles failed logins per client address. Tests that fail logins on purpose connect from an
/// address of their own (<see cref="FromOwnAddress"/>; all of 127.0.0.0/8 is loopback on Linux), so they neither
/// trip nor depend on other tests' counts.
/// </remarks>
public sealed class AuthClient : IDisposable
{
    public const string DefaultPassword = "correct horse battery staple";

    private readonly HttpClient _http;

    public AuthClient(Uri authService, IPAddress? localAddress = null)
    {
        var handler = new SocketsHttpHandler();
        if (localAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        _http = new HttpClient(handler) { BaseAddress = authService, Timeout = TimeSpan.FromSeconds(15) };
        LocalAddress = localAddress ?? IPAddress.Loopback;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The client address AuthService sees.</summary>
    public IPAddress LocalAddress { get; }

    /// <summary>A client connecting from a loopback address no other client uses.</summary>
    public static AuthClient FromOwnAddress(Uri authService) =>
        new(authService, new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]));

    /// <summary>A username no other test uses (valid: lowercase letters and digits).</summary>
    public static string NewUsername(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];

    public Task<HttpResponseMessage> SendRegisterAsync(string username, string password) =>
        _http.PostAsJsonAsync("/auth/register", new { username, password });

    public async Task<RegisteredUser> RegisterAsync(string username, string password = DefaultPassword)
    {
        using var response = await SendRegisterAsync(username, password);
        return await ReadAsync<RegisteredUser>(response, HttpStatusCode.Created);
    }

    public Task<HttpResponseMessage> SendTokenAsync(string username, string password) =>
        _http.PostAsJsonAsync("/auth/token", new { username, password });

    public async Task<TokenSet> TokenAsync(string username, string password = DefaultPassword)
    {
        using var response = await SendTokenAsync(username, password);
        return await ReadAsync<TokenSet>(response, HttpStatusCode.OK);
    }

    /// <summary>Registers a fresh user and logs in.</summary>
    public async Task<(RegisteredUser User, TokenSet Tokens)> SignUpAsync(string prefix = "user")
    {
        var user = await RegisterAsync(NewUsername(prefix));
        return (user, await TokenAsync(user.Username));
    }

    public Task<HttpResponseMessage> SendRefreshAsync(string refreshToken) =>
        _http.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });

    public async Task<TokenSet> RefreshAsync(string refreshToken)
    {
        using var response = await SendRefreshAsync(refreshToken);
        return await ReadAsync<TokenSet>(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> SendRevokeAsync(string? accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/revoke");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return _http.SendAsync(request);
    }

    public async Task RevokeAsync(string accessToken)
    {
        using var response = await SendRevokeAsync(accessToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<HttpResponseMessage> SendIntrospectAsync(string token) =>
        _http.PostAsJsonAsync("/auth/introspect", new { token });

    public async Task<Introspection> IntrospectAsync(string token)
    {
        using var response = await SendIntrospectAsync(token);
        return await ReadAsync<Introspection>(response, HttpStatusCode.OK);
    }

    public async Task<JsonWebKeySet> GetJwksAsync()
    {
        using var response = await _http.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>Posts <paramref name="body"/> as is, for malformed-input tests.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json") =>
        _http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public void Dispose() => _http.Dispose();

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, JsonOptions)!;
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);
}

public sealed record RegisteredUser(Guid UserId, string Username);

public sealed record TokenSet(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

public sealed record Introspection(bool Active, string? Sub, string? Username, string? Jti, string? Sid, long? Exp);
