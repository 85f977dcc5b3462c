using System.Net;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Failed logins are throttled per username and per client address (defaults: 5 per 5 min, 30 per min), and a
/// refusal never tells whether the username exists. Each test connects from its own loopback address.
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class LoginThrottlingTests(SharedTopologyFixture fixture) : IDisposable
{
    private const int UsernameLimit = 5;
    private const int ClientLimit = 30;

    private readonly AuthClient _auth = AuthClient.FromOwnAddress(fixture.Topology.AuthService);

    [Fact]
    public async Task Unknown_user_and_wrong_password_get_byte_identical_401s()
    {
        var user = await _auth.RegisterAsync(AuthClient.NewUsername("same"));

        using var wrongPassword = await _auth.SendTokenAsync(user.Username, "not the password");
        using var unknownUser = await _auth.SendTokenAsync(AuthClient.NewUsername("nobody"), "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal(await wrongPassword.Content.ReadAsByteArrayAsync(), await unknownUser.Content.ReadAsByteArrayAsync());
        Assert.Equal(wrongPassword.Content.Headers.ContentType, unknownUser.Content.Headers.ContentType);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Failed_logins_for_one_username_are_throttled_with_retry_after()
    {
        var user = await _auth.RegisterAsync(AuthClient.NewUsername("guess"));
        for (var attempt = 1; attempt <= UsernameLimit; attempt++)
        {
            using var failed = await _auth.SendTokenAsync(user.Username, $"wrong password {attempt}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await _auth.SendTokenAsync(user.Username, "wrong password again");
        // Even the right password waits: the throttle is decided before credentials are checked.
        using var rightPassword = await _auth.SendTokenAsync(user.Username, AuthClient.DefaultPassword);

        foreach (var response in new[] { throttled, rightPassword })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        }

        // Another username from another address is not affected.
        using var other = AuthClient.FromOwnAddress(_auth.BaseAddress);
        await other.SignUpAsync("bystander");
    }

    [Fact]
    public async Task Unknown_usernames_are_throttled_like_known_ones()
    {
        var username = AuthClient.NewUsername("ghost");
        for (var attempt = 1; attempt <= UsernameLimit; attempt++)
        {
            using var failed = await _auth.SendTokenAsync(username, "whatever password");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await _auth.SendTokenAsync(username, "whatever password");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
    }

    [Fact]
    public async Task Failed_logins_from_one_client_address_are_throttled_across_usernames()
    {
        // Spread over usernames so the per-username limit never triggers first.
        var failures = 0;
        HttpResponseMessage? response = null;
        try
        {
            for (var attempt = 0; attempt < ClientLimit + 1; attempt++)
            {
                response?.Dispose();
                response = await _auth.SendTokenAsync(AuthClient.NewUsername("spray"), "sprayed password");
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    break;
                }

                failures++;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, response!.StatusCode);
            Assert.Equal(ClientLimit, failures);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
        }
        finally
        {
            response?.Dispose();
        }

        // Successful logins from elsewhere keep working.
        using var elsewhere = AuthClient.FromOwnAddress(_auth.BaseAddress);
        await elsewhere.SignUpAsync("elsewhere");
    }

    [Fact]
    public async Task A_successful_login_clears_the_usernames_failures()
    {
        var user = await _auth.RegisterAsync(AuthClient.NewUsername("forgetful"));
        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 1; attempt < UsernameLimit; attempt++)
            {
                using var failed = await _auth.SendTokenAsync(user.Username, "typo password");
                Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            }

            await _auth.TokenAsync(user.Username);
        }
    }

    public void Dispose() => _auth.Dispose();
}
