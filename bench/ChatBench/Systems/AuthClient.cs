using System.Collections.Concurrent;
using TestAuthClient = AppHost.Testing.Clients.AuthClient;

namespace ChatBench.Systems;

/// <summary>
/// AuthService as the benchmark uses it: one user for every connection (ChatApi's per-user cap is raised for the run),
/// its access token renewed well before it expires (15 min), and batches of tokens ChatApi has never seen. The calls
/// go through the tests' client of AuthService's API.
/// </summary>
internal sealed class AuthClient(Uri authService) : IDisposable
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);
    private readonly TestAuthClient _auth = new(authService);
    private readonly string _username = TestAuthClient.NewUsername("bench");
    private (string Token, DateTime IssuedAt)? _current;

    public Task RegisterAsync() => _auth.RegisterAsync(_username);

    /// <summary>The same token every time (so ChatApi has it cached) until it is a few minutes old.</summary>
    public async Task<string> TokenAsync()
    {
        if (_current is not { } current || DateTime.UtcNow - current.IssuedAt > TokenLifetime)
        {
            current = ((await _auth.TokenAsync(_username)).AccessToken, DateTime.UtcNow);
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
            var pair = await _auth.TokenAsync(_username);
            tokens.Add(pair.AccessToken);
            while (tokens.Count < count)
            {
                pair = await _auth.RefreshAsync(pair.RefreshToken);
                tokens.Add(pair.AccessToken);
            }
        }));
        return [.. tokens.Take(count)];
    }

    public void Dispose() => _auth.Dispose();
}
