using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class LocalTokenValidationTests
{
    [Fact]
    public async Task A_genuine_token_is_valid_and_carries_its_claims()
    {
        using var host = AuthTestHost.Create();
        var token = host.Token(new TokenSpec { Subject = "u-42", Username = "zoe", TokenId = "jti-42", SessionId = "sid-42" });

        var valid = Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));

        Assert.Equal("u-42", valid.User.UserId);
        Assert.Equal("zoe", valid.User.Username);
        Assert.Equal("jti-42", valid.User.TokenId);
        Assert.Equal("sid-42", valid.User.SessionId);
        Assert.Equal(host.Clock.GetUtcNow().ToUnixTimeSeconds() + 900, valid.User.ExpiresAt.ToUnixTimeSeconds());
    }

    public static TheoryData<string> ForbiddenHeaders => ["jku", "jwk", "x5u", "x5c"];

    [Theory]
    [MemberData(nameof(ForbiddenHeaders))]
    public async Task A_header_that_brings_or_points_at_a_key_is_invalid_even_with_a_good_signature(string header)
    {
        using var host = AuthTestHost.Create();
        object value = header == "jwk" ? host.Key.ToJwk() : header == "x5c" ? new[] { "MIIB" } : "https://attacker.example/keys";
        var token = host.Token(new TokenSpec { ExtraHeaders = new Dictionary<string, object> { [header] = value } });

        var invalid = Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal($"header {header}", invalid.Reason);
        Assert.Equal(0, host.AuthService.IntrospectionCalls);
    }

    [Fact]
    public async Task Alg_none_and_symmetric_algorithms_are_invalid()
    {
        using var host = AuthTestHost.Create();
        var now = host.Clock.GetUtcNow();

        var none = TestTokens.Raw(new { alg = "none", typ = "at+jwt", kid = "k1" }, TestTokens.Payload(now));
        var hs256 = TestTokens.Raw(new { alg = "HS256", typ = "at+jwt", kid = "k1" }, TestTokens.Payload(now), "c2lnbmF0dXJl");
        var rs256 = TestTokens.Raw(new { alg = "RS256", typ = "at+jwt", kid = "k1" }, TestTokens.Payload(now), "c2lnbmF0dXJl");

        foreach (var token in new[] { none, hs256, rs256 })
        {
            var invalid = Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
            Assert.Equal("algorithm", invalid.Reason);
        }

        Assert.Equal(0, host.AuthService.TotalCalls);
    }

    [Fact]
    public async Task Wrong_issuer_audience_or_type_is_invalid()
    {
        using var host = AuthTestHost.Create();

        var cases = new (TokenSpec Spec, string Reason)[]
        {
            (new TokenSpec { Issuer = "someone-else" }, "issuer"),
            (new TokenSpec { Audience = "another-api" }, "audience"),
            (new TokenSpec { Type = "JWT" }, "type"),
        };

        foreach (var (spec, reason) in cases)
        {
            var invalid = Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(host.Token(spec), CancellationToken.None));
            Assert.Equal(reason, invalid.Reason);
        }

        Assert.Equal(0, host.AuthService.IntrospectionCalls);
    }

    [Fact]
    public async Task A_signature_by_another_key_under_a_known_kid_is_invalid()
    {
        using var host = AuthTestHost.Create();
        using var forger = new TestSigningKey("k1");
        var token = TestTokens.Create(forger, host.Clock.GetUtcNow());

        var invalid = Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal("bad signature", invalid.Reason);
    }

    [Fact]
    public async Task Malformed_and_missing_tokens_are_invalid()
    {
        using var host = AuthTestHost.Create();
        foreach (var token in new[] { "", "   ", "not-a-jwt", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.%%%.x", new string('a', 10_000) })
        {
            Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Expiry_follows_the_time_provider_with_at_most_thirty_seconds_of_skew()
    {
        using var host = AuthTestHost.Create();
        var token = host.Token(new TokenSpec { Lifetime = TimeSpan.FromMinutes(1) });
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));

        // 20 s past exp: inside the skew, still valid (from the cache or not, the JWT check runs first).
        host.Clock.Advance(TimeSpan.FromSeconds(80));
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));

        host.Clock.Advance(TimeSpan.FromSeconds(11));
        var invalid = Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        Assert.Equal("expired or not yet valid", invalid.Reason);

        // Not yet valid beyond the skew.
        var future = TestTokens.Create(host.Key, host.Clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        Assert.IsType<TokenValidationResult.Invalid>(await host.Validator.ValidateAsync(future, CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_kids_refresh_the_jwks_at_most_once_per_cooldown()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));
        Assert.Equal(1, host.AuthService.JwksCalls);

        // A burst of random kids right after a fetch: no fetch at all.
        for (var i = 0; i < 100; i++)
        {
            using var random = new TestSigningKey($"random-{i}");
            var invalid = Assert.IsType<TokenValidationResult.Invalid>(
                await host.Validator.ValidateAsync(TestTokens.Create(random, host.Clock.GetUtcNow()), CancellationToken.None));
            Assert.Equal("unknown kid", invalid.Reason);
        }

        Assert.Equal(1, host.AuthService.JwksCalls);

        // After the cooldown one unknown kid may refresh, once, however many follow.
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            using var random = new TestSigningKey($"random-late-{i}");
            Assert.IsType<TokenValidationResult.Invalid>(
                await host.Validator.ValidateAsync(TestTokens.Create(random, host.Clock.GetUtcNow()), CancellationToken.None));
        }

        Assert.Equal(2, host.AuthService.JwksCalls);
    }

    [Fact]
    public async Task A_validation_that_arrives_while_the_first_key_fetch_is_in_flight_joins_it()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.JwksDelay = TimeSpan.FromMilliseconds(300);

        var first = host.Validator.ValidateAsync(host.Token(), CancellationToken.None).AsTask();
        await Task.Delay(100);
        var second = host.Validator.ValidateAsync(host.Token(), CancellationToken.None).AsTask();

        Assert.IsType<TokenValidationResult.Valid>(await first);
        Assert.IsType<TokenValidationResult.Valid>(await second);
        Assert.Equal(1, host.AuthService.JwksCalls);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_by_an_unknown_kid_refresh_after_the_cooldown()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        using var rotated = new TestSigningKey("k2");
        host.AuthService.Keys.Add(rotated);
        host.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.IsType<TokenValidationResult.Valid>(
            await host.Validator.ValidateAsync(TestTokens.Create(rotated, host.Clock.GetUtcNow()), CancellationToken.None));
        Assert.Equal(2, host.AuthService.JwksCalls);
    }

    [Fact]
    public async Task The_last_good_key_set_is_kept_while_AuthService_is_down()
    {
        using var host = AuthTestHost.Create();
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        host.AuthService.Down = true;
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        using var unknown = new TestSigningKey("k-new");
        var refused = await host.Clock.DriveAsync(host.Validator.ValidateAsync(TestTokens.Create(unknown, host.Clock.GetUtcNow()), CancellationToken.None));

        // The refresh failed: the new kid may be genuine, so "not now" rather than 401.
        Assert.IsType<TokenValidationResult.Unavailable>(refused);
        Assert.True(await host.Services.GetRequiredService<SigningKeyCache>().FindAsync("k1", CancellationToken.None) is SigningKeyLookup.Found);
    }

    [Fact]
    public async Task No_key_set_and_AuthService_unreachable_is_unavailable_not_invalid()
    {
        using var host = AuthTestHost.Create();
        host.AuthService.Down = true;

        var result = await host.Clock.DriveAsync(host.Validator.ValidateAsync(host.Token(), CancellationToken.None));

        var unavailable = Assert.IsType<TokenValidationResult.Unavailable>(result);
        Assert.True(unavailable.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.StartsWith("signing keys unavailable", unavailable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_keys_are_what_AuthService_publishes()
    {
        using var key = new TestSigningKey("k1");
        var jwk = new Microsoft.IdentityModel.Tokens.JsonWebKey(System.Text.Json.JsonSerializer.Serialize(key.ToJwk()));
        Assert.Equal("EC", jwk.Kty);
        Assert.Equal("P-256", jwk.Crv);
    }
}
