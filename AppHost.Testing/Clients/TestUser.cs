namespace AppHost.Testing.Clients;

/// <summary>A user registered through AuthService's public API (via <see cref="AuthClient"/>), with a fresh access token.</summary>
public sealed record TestUser(string UserId, string Username, string Password, string AccessToken, string RefreshToken)
{
    /// <summary>Registers a new user with a unique name and logs it in.</summary>
    public static async Task<TestUser> CreateAsync(DistributedTopology topology, string prefix = "user")
    {
        using var auth = new AuthClient(topology.AuthService);
        var password = $"pw-{Guid.NewGuid():N}";
        var registered = await auth.RegisterAsync(AuthClient.NewUsername(prefix.ToLowerInvariant()), password);
        var tokens = await auth.TokenAsync(registered.Username, password);
        return new TestUser(registered.UserId.ToString(), registered.Username, password, tokens.AccessToken, tokens.RefreshToken);
    }

    /// <summary>A new access token for the same user (a second login session).</summary>
    public async Task<TestUser> LoginAgainAsync(DistributedTopology topology)
    {
        using var auth = new AuthClient(topology.AuthService);
        var tokens = await auth.TokenAsync(Username, Password);
        return this with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken };
    }

    /// <summary>Revokes this user's access token (and its login session) at AuthService.</summary>
    public async Task RevokeAsync(DistributedTopology topology)
    {
        using var auth = new AuthClient(topology.AuthService);
        await auth.RevokeAsync(AccessToken);
    }
}
