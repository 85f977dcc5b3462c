using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Tokens with exactly one thing wrong are rejected by introspection (200 <c>{"active":false}</c>) and by revoke
/// (401), never with a 500. Most are signed with AuthService's real key, so the rejection is due to the one flaw.
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class ForgedTokenTests(SharedTopologyFixture fixture) : IAsyncLifetime
{
    private readonly AuthClient _auth = new(fixture.Topology.AuthService);
    private TokenForge _genuine = null!;
    private RegisteredUser _user = null!;

    public async Task InitializeAsync()
    {
        _user = await _auth.RegisterAsync(AuthClient.NewUsername("forged"));
        // Make sure the key AuthService signs with is the one read.
        await _auth.TokenAsync(_user.Username);
        _genuine = await TokenForge.WithServiceKeyAsync(fixture.Topology);
    }

    [Fact]
    public async Task The_forge_itself_makes_tokens_AuthService_accepts()
    {
        // Control: without a flaw, a hand-made token passes. Every other test changes one thing.
        var token = _genuine.Sign(_genuine.Header(), TokenForge.Claims(_user));

        Assert.True((await _auth.IntrospectAsync(token)).Active);
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var header = _genuine.Header();
        header["alg"] = "none";

        await AssertRejectedAsync(TokenForge.Unsigned(header, TokenForge.Claims(_user)));
        // Also with a signature attached.
        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES384")]
    [InlineData("es256")]
    public async Task Other_algorithms_are_rejected(string algorithm)
    {
        var header = _genuine.Header();
        header["alg"] = algorithm;

        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Tampered_payload_is_rejected()
    {
        var (_, tokens) = await _auth.SignUpAsync("tamper");
        var parts = tokens.AccessToken.Split('.');
        var claims = TokenForge.Claims(_user);
        var tampered = $"{parts[0]}.{TokenForge.Encode(claims)}.{parts[2]}";

        await AssertRejectedAsync(tampered);
    }

    [Fact]
    public async Task Token_signed_by_another_key_with_our_kid_is_rejected()
    {
        using var foreign = TokenForge.WithForeignKey(_genuine.Kid);

        await AssertRejectedAsync(foreign.Sign(foreign.Header(), TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Token_signed_by_another_key_with_a_random_kid_is_rejected()
    {
        using var foreign = TokenForge.WithForeignKey(Guid.NewGuid().ToString("N"));

        await AssertRejectedAsync(foreign.Sign(foreign.Header(), TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Genuine_signature_under_an_unknown_kid_is_rejected()
    {
        var header = _genuine.Header();
        header["kid"] = "unknown-" + Guid.NewGuid().ToString("N");

        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Missing_kid_is_rejected()
    {
        var header = _genuine.Header();
        header.Remove("kid");

        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("x5c")]
    public async Task Header_key_parameters_are_rejected_even_with_a_genuine_signature(string parameter)
    {
        var header = _genuine.Header();
        header[parameter] = parameter switch
        {
            "jwk" => _genuine.PublicJwk(),
            "x5c" => new[] { "MIIB" },
            _ => "https://attacker.example/keys",
        };

        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Self_signed_token_carrying_its_own_jwk_is_rejected()
    {
        using var foreign = TokenForge.WithForeignKey(Guid.NewGuid().ToString("N"));
        var header = foreign.Header();
        header["jwk"] = foreign.PublicJwk();

        await AssertRejectedAsync(foreign.Sign(header, TokenForge.Claims(_user)));
    }

    [Theory]
    [InlineData("iss", "https://attacker.example")]
    [InlineData("iss", "chat-authservice ")]
    [InlineData("aud", "someone-else")]
    [InlineData("aud", "chatapi2")]
    public async Task Wrong_issuer_or_audience_is_rejected(string claim, string value)
    {
        var claims = TokenForge.Claims(_user);
        claims[claim] = value;

        await AssertRejectedAsync(_genuine.Sign(_genuine.Header(), claims));
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("at+JWT")]
    [InlineData(null)]
    public async Task Wrong_or_missing_type_is_rejected(string? type)
    {
        var header = _genuine.Header();
        header["typ"] = type;
        if (type is null)
        {
            header.Remove("typ");
        }

        await AssertRejectedAsync(_genuine.Sign(header, TokenForge.Claims(_user)));
    }

    [Fact]
    public async Task Expired_beyond_the_30_second_skew_is_rejected()
    {
        var claims = TokenForge.Claims(_user);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        claims["iat"] = now - 960;
        claims["nbf"] = now - 960;
        claims["exp"] = now - 40;

        await AssertRejectedAsync(_genuine.Sign(_genuine.Header(), claims));
    }

    [Fact]
    public async Task Expired_within_the_skew_is_still_accepted()
    {
        var claims = TokenForge.Claims(_user);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        claims["exp"] = now - 10;
        claims["iat"] = now - 900;
        claims["nbf"] = now - 900;

        Assert.True((await _auth.IntrospectAsync(_genuine.Sign(_genuine.Header(), claims))).Active);
    }

    [Fact]
    public async Task Not_yet_valid_beyond_the_skew_is_rejected()
    {
        var claims = TokenForge.Claims(_user);
        claims["nbf"] = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds();

        await AssertRejectedAsync(_genuine.Sign(_genuine.Header(), claims));
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("sub")]
    [InlineData("jti")]
    [InlineData("sid")]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("preferred_username")]
    public async Task Missing_required_claims_are_rejected(string claim)
    {
        var claims = TokenForge.Claims(_user);
        claims.Remove(claim);

        await AssertRejectedAsync(_genuine.Sign(_genuine.Header(), claims));
    }

    [Fact]
    public async Task Genuine_signature_for_a_user_that_does_not_exist_is_inactive()
    {
        var claims = TokenForge.Claims(new RegisteredUser(Guid.NewGuid(), "ghost-user"));

        await AssertRejectedAsync(_genuine.Sign(_genuine.Header(), claims), revokeStatus: HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Signature_of_another_genuine_token_does_not_transfer()
    {
        var (_, first) = await _auth.SignUpAsync("swap");
        var (_, second) = await _auth.SignUpAsync("swap");
        var a = first.AccessToken.Split('.');
        var b = second.AccessToken.Split('.');

        await AssertRejectedAsync($"{a[0]}.{a[1]}.{b[2]}");
        Assert.Equal(new JsonWebToken(first.AccessToken).Kid, new JsonWebToken(second.AccessToken).Kid);
    }

    /// <summary>Inactive on introspection; refused by revoke (which validates everything but the user's state).</summary>
    private async Task AssertRejectedAsync(string token, HttpStatusCode revokeStatus = HttpStatusCode.Unauthorized)
    {
        using var introspection = await _auth.SendIntrospectAsync(token);
        Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);
        Assert.Equal("""{"active":false}""", await introspection.Content.ReadAsStringAsync());

        using var revoke = await _auth.SendRevokeAsync(token);
        Assert.Equal(revokeStatus, revoke.StatusCode);
    }

    public Task DisposeAsync()
    {
        _genuine.Dispose();
        _auth.Dispose();
        return Task.CompletedTask;
    }
}
