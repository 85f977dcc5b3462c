using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace ChatBench.Systems;

/// <summary>
/// AuthService as the benchmark uses it: one user for every connection (ChatApi's per-user cap is raised for the run),
/// its access token renewed well before it expires (15 min), and batches of tokens ChatApi has never seen.
/// </summary>
internal sealed class AuthClient(Uri authService) : IDisposable
{
    private const string Password = "bench-password";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http = new() { BaseAddress = authService, Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _username = $"bench_{Guid.NewGuid():N}"[..24];
    private (string Token, DateTime IssuedAt)? _current;

    public async Task RegisterAsync()
    {
        using var response = await _http.PostAsJsonAsync("/auth/register", new { username = _username, password = Password });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The same token every time (so ChatApi has it cached) until it is a few minutes old.</summary>
    public async Task<string> TokenAsync()
    {
        if (_current is not { } current || DateTime.UtcNow - current.IssuedAt > TokenLifetime)
        {
            current = ((await LoginAsync()).AccessToken, DateTime.UtcNow);
            _current = current;
        }

        return current.Token;
    }

    /// <summary>
    /// <paramref name="count"/> access tokens nobody has used: a few logins (password hashing is deliberately slow),
    /// then chains of refreshes, each of which issues a new access token.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> FreshTokensAsync(int count, int chains = 8)
    {
        var tokens = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(chains, count)).Select(async chain =>
        {
            var pair = await LoginAsync();
            tokens.Add(pair.AccessToken);
            while (tokens.Count < count)
            {
                using var response = await _http.PostAsJsonAsync("/auth/refresh", new { refresh_token = pair.RefreshToken });
                response.EnsureSuccessStatusCode();
                pair = (await response.Content.ReadFromJsonAsync<TokenPair>())!;
                tokens.Add(pair.AccessToken);
            }
        }));
        return [.. tokens.Take(count)];
    }

    public void Dispose() => _http.Dispose();

    private async Task<TokenPair> LoginAsync()
    {
        using var response = await _http.PostAsJsonAsync("/auth/token", new { username = _username, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    private sealed record TokenPair(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("refresh_token")] string RefreshToken);
}
