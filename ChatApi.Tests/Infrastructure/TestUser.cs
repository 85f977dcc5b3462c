using System.Net.Http.Json;
using System.Text.Json;

namespace ChatApi.Tests.Infrastructure;

/// <summary>A user registered through AuthService's public API, with a fresh access token.</summary>
public sealed record TestUser(string UserId, string Username, string Password, string AccessToken, string RefreshToken)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Registers a new user with a unique name and logs it in.</summary>
    public static async Task<TestUser> CreateAsync(IDistributedTopology topology, string prefix = "user")
    {
        var username = $"{prefix}_{Guid.NewGuid():N}"[..24].ToLowerInvariant();
        var password = $"pw-{Guid.NewGuid():N}";
        using var registered = await Http.PostAsJsonAsync(new Uri(topology.AuthService, "/auth/register"), new { username, password });
        registered.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await registered.Content.ReadAsStringAsync());
        var userId = body.RootElement.GetProperty("userId").ToString();

        var (access, refresh) = await LoginAsync(topology, username, password);
        return new TestUser(userId, username, password, access, refresh);
    }

    /// <summary>A new access token for the same user (a second login session).</summary>
    public async Task<TestUser> LoginAgainAsync(IDistributedTopology topology)
    {
        var (access, refresh) = await LoginAsync(topology, Username, Password);
        return this with { AccessToken = access, RefreshToken = refresh };
    }

    /// <summary>Revokes this user's access token (and its login session) at AuthService.</summary>
    public async Task RevokeAsync(IDistributedTopology topology)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(topology.AuthService, "/auth/revoke"));
        request.Headers.Authorization = new("Bearer", AccessToken);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<(string Access, string Refresh)> LoginAsync(IDistributedTopology topology, string username, string password)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(topology.AuthService, "/auth/token"), new { username, password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("access_token").GetString()!, body.RootElement.GetProperty("refresh_token").GetString()!);
    }
}
