using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthService.Tests.Distributed;

/// <summary>The whole life of a session against the real AuthService: register, log in, refresh, revoke, introspect.</summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class AuthFlowTests(SharedTopologyFixture fixture) : IDisposable
{
    private readonly AuthClient _auth = new(fixture.Topology.AuthService);

    [Fact]
    public async Task Register_token_refresh_revoke_introspect()
    {
        var username = AuthClient.NewUsername("flow");
        var user = await _auth.RegisterAsync(username);
        Assert.Equal(username, user.Username);
        Assert.NotEqual(Guid.Empty, user.UserId);

        var tokens = await _auth.TokenAsync(username);
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(900, tokens.ExpiresIn);

        var active = await _auth.IntrospectAsync(tokens.AccessToken);
        Assert.True(active.Active);
        Assert.Equal(user.UserId.ToString(), active.Sub);
        Assert.Equal(username, active.Username);
        Assert.False(string.IsNullOrEmpty(active.Jti));
        Assert.False(string.IsNullOrEmpty(active.Sid));
        Assert.InRange(active.Exp!.Value, DateTimeOffset.UtcNow.AddMinutes(14).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(16).ToUnixTimeSeconds());

        var refreshed = await _auth.RefreshAsync(tokens.RefreshToken);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        var afterRefresh = await _auth.IntrospectAsync(refreshed.AccessToken);
        Assert.True(afterRefresh.Active);
        Assert.Equal(active.Sid, afterRefresh.Sid);
        Assert.NotEqual(active.Jti, afterRefresh.Jti);

        await _auth.RevokeAsync(refreshed.AccessToken);

        Assert.False((await _auth.IntrospectAsync(refreshed.AccessToken)).Active);
        // The whole session ends: the earlier access token and the refresh token too.
        Assert.False((await _auth.IntrospectAsync(tokens.AccessToken)).Active);
        using var refreshAfterRevoke = await _auth.SendRefreshAsync(refreshed.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refreshAfterRevoke.StatusCode);

        // Another session of the same user is untouched.
        var other = await _auth.TokenAsync(username);
        Assert.True((await _auth.IntrospectAsync(other.AccessToken)).Active);
    }

    [Fact]
    public async Task Inactive_answer_carries_nothing_but_active_false()
    {
        using var response = await _auth.SendIntrospectAsync("not-a-token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"active":false}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Access_token_has_the_contract_header_and_claims_and_verifies_against_the_jwks()
    {
        var (user, tokens) = await _auth.SignUpAsync("claims");
        var jwt = new JsonWebToken(tokens.AccessToken);

        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal("chat-authservice", jwt.Issuer);
        Assert.Equal(["chatapi"], jwt.Audiences);
        Assert.Equal(user.UserId.ToString(), jwt.Subject);
        Assert.Equal(user.Username, jwt.GetClaim("preferred_username").Value);
        Assert.True(Guid.TryParse(jwt.Id, out _));
        Assert.True(Guid.TryParse(jwt.GetClaim("sid").Value, out _));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);

        var jwks = await _auth.GetJwksAsync();
        var result = await JwksTokenValidator.ValidateAsync(tokens.AccessToken, jwks);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task Jwks_lists_public_P256_keys_only_with_short_caching()
    {
        using var response = await _auth.GetAsync("/.well-known/jwks.json");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=60", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var keys = json.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.Equal(
                ["alg", "crv", "kid", "kty", "use", "x", "y"],
                key.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
            Assert.Equal("sig", key.GetProperty("use").GetString());
        }
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_family_and_its_access_tokens()
    {
        var (_, first) = await _auth.SignUpAsync("reuse");
        var second = await _auth.RefreshAsync(first.RefreshToken);
        var third = await _auth.RefreshAsync(second.RefreshToken);
        Assert.True((await _auth.IntrospectAsync(third.AccessToken)).Active);

        // The first refresh token is spent: presenting it again is theft or a broken client.
        using var reuse = await _auth.SendRefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal("application/problem+json", reuse.Content.Headers.ContentType?.MediaType);

        // Every refresh token of the family is dead, the live one included ...
        using var live = await _auth.SendRefreshAsync(third.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, live.StatusCode);
        // ... and so is every access token of the session.
        foreach (var accessToken in new[] { first.AccessToken, second.AccessToken, third.AccessToken })
        {
            Assert.False((await _auth.IntrospectAsync(accessToken)).Active);
        }
    }

    [Fact]
    public async Task Refresh_with_an_unknown_token_is_401()
    {
        using var response = await _auth.SendRefreshAsync("bm90LWEtcmVmcmVzaC10b2tlbg");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_requires_a_valid_bearer_token()
    {
        using var missing = await _auth.SendRevokeAsync(null);
        using var garbage = await _auth.SendRevokeAsync("garbage");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Contains(garbage.Headers.WwwAuthenticate, header => header.Scheme == "Bearer");
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Revoking_twice_still_answers_204()
    {
        var (_, tokens) = await _auth.SignUpAsync("twice");

        await _auth.RevokeAsync(tokens.AccessToken);
        await _auth.RevokeAsync(tokens.AccessToken);

        Assert.False((await _auth.IntrospectAsync(tokens.AccessToken)).Active);
    }

    public void Dispose() => _auth.Dispose();
}
