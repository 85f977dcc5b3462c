using System.Net;
using Npgsql;

namespace AuthService.Tests.Distributed;

public sealed class AuthReplicaTopology : TopologyFixture
{
    // Nothing holds AuthService back while PostgreSQL is down, as in a deployment: it must wait on its own.
    protected override TopologyOptions Options => new() { ChatApiReplicas = 0, AuthServiceReplicas = 2, ServicesWaitForDependencies = false };
}

/// <summary>
/// Two AuthService replicas over one chatdb and one Redis: they share one set of signing keys (created once even
/// though both start together), sessions, revocations and throttles, and tokens survive restarts.
/// </summary>
public sealed class AuthReplicaTests(AuthReplicaTopology fixture) : IClassFixture<AuthReplicaTopology>, IDisposable
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    private readonly AuthClient _first = new(fixture.Topology.AuthServices[0]);
    private readonly AuthClient _second = new(fixture.Topology.AuthServices[1]);

    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task Replicas_that_start_together_create_one_key_and_publish_the_same_jwks()
    {
        var first = await _first.GetJwksAsync();
        var second = await _second.GetJwksAsync();

        Assert.Equal(first.Keys.Select(key => key.Kid), second.Keys.Select(key => key.Kid));
        Assert.Single(first.Keys);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM auth.signing_keys"));
    }

    [Fact]
    public async Task A_token_from_one_replica_is_valid_on_the_other()
    {
        var (user, tokens) = await _first.SignUpAsync("cross");

        var introspection = await _second.IntrospectAsync(tokens.AccessToken);
        Assert.True(introspection.Active);
        Assert.Equal(user.UserId.ToString(), introspection.Sub);
        var verified = await JwksTokenValidator.ValidateAsync(tokens.AccessToken, await _second.GetJwksAsync());
        Assert.True(verified.IsValid, verified.Exception?.Message);
    }

    [Fact]
    public async Task Refresh_reuse_and_revocation_are_shared_by_the_replicas()
    {
        var (_, first) = await _first.SignUpAsync("shared");
        var second = await _second.RefreshAsync(first.RefreshToken);

        // The spent token comes back on the other replica: the family dies everywhere.
        using var reuse = await _first.SendRefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.False((await _second.IntrospectAsync(second.AccessToken)).Active);
        Assert.False((await _first.IntrospectAsync(second.AccessToken)).Active);

        var (_, other) = await _second.SignUpAsync("shared");
        await _second.RevokeAsync(other.AccessToken);
        Assert.False((await _first.IntrospectAsync(other.AccessToken)).Active);
    }

    [Fact]
    public async Task Tokens_survive_a_restart_and_the_restarted_replica_keeps_the_same_key()
    {
        var (user, before) = await _first.SignUpAsync("restart");
        var kid = JwksTokenValidator.KidOf(before.AccessToken);

        await Topology.StopAsync("authservice");
        try
        {
            // The other replica serves meanwhile.
            Assert.True((await _second.IntrospectAsync(before.AccessToken)).Active);
        }
        finally
        {
            await Topology.StartAsync("authservice");
        }

        Assert.True((await _first.IntrospectAsync(before.AccessToken)).Active);
        var verified = await JwksTokenValidator.ValidateAsync(before.AccessToken, await _first.GetJwksAsync());
        Assert.True(verified.IsValid, verified.Exception?.Message);

        var refreshed = await _first.RefreshAsync(before.RefreshToken);
        var after = await _first.TokenAsync(user.Username);
        Assert.Equal(kid, JwksTokenValidator.KidOf(refreshed.AccessToken));
        Assert.Equal(kid, JwksTokenValidator.KidOf(after.AccessToken));
    }

    [Fact]
    public async Task Stopping_every_replica_loses_nothing()
    {
        var (_, before) = await _first.SignUpAsync("coldstart");

        await Task.WhenAll(Topology.StopAsync("authservice"), Topology.StopAsync("authservice-1"));
        await Task.WhenAll(Topology.StartAsync("authservice"), Topology.StartAsync("authservice-1"));

        Assert.True((await _second.IntrospectAsync(before.AccessToken)).Active);
        Assert.True((await _first.IntrospectAsync(before.AccessToken)).Active);
        await _second.RefreshAsync(before.RefreshToken);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM auth.signing_keys"));
    }

    [Fact]
    public async Task A_replica_starting_while_PostgreSQL_is_down_waits_for_it_instead_of_crashing()
    {
        await Topology.StopAsync("authservice-1");
        await Topology.StopAsync("postgres");
        Task starting;
        try
        {
            starting = Topology.StartAsync("authservice-1");
            await WaitForAsync(() => Topology.LogsOf("authservice-1").Contains("The database is not ready", StringComparison.Ordinal));
            Assert.False(starting.IsCompleted, "AuthService reported ready (or gave up) without its database.");
        }
        finally
        {
            await Topology.StartAsync("postgres");
        }

        await starting.WaitAsync(RecoveryBound);
        var (_, tokens) = await _second.SignUpAsync("patient");
        // The replica that stayed up may answer 503 once or twice while its pool replaces dead connections.
        await WaitForAsync(async () => await IntrospectsActiveAsync(_first, tokens.AccessToken));
    }

    [Fact]
    public async Task Dependency_outages_answer_503_with_retry_after_never_500()
    {
        var (user, tokens) = await _first.SignUpAsync("outage");

        await Topology.StopAsync("cache");
        try
        {
            using var introspection = await _first.SendIntrospectAsync(tokens.AccessToken);
            using var revoke = await _first.SendRevokeAsync(tokens.AccessToken);
            foreach (var response in new[] { introspection, revoke })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            // Throttling fails open: logins still work while Redis is down.
            await _first.TokenAsync(user.Username);
        }
        finally
        {
            await Topology.StartAsync("cache");
        }

        await Topology.StopAsync("postgres");
        try
        {
            using var login = await _first.SendTokenAsync(user.Username, AuthClient.DefaultPassword);
            using var refresh = await _first.SendRefreshAsync(tokens.RefreshToken);
            foreach (var response in new[] { login, refresh })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            // The JWKS is served from memory.
            Assert.NotEmpty((await _first.GetJwksAsync()).Keys);
        }
        finally
        {
            await Topology.StartAsync("postgres");
        }

        // Both recover on their own (a 503 or two while pools replace dead connections): the revocation that
        // failed can simply be retried.
        await WaitForAsync(async () => await StatusOfAsync(_first.SendRevokeAsync(tokens.AccessToken)) == HttpStatusCode.NoContent);
        await WaitForAsync(async () => await StatusOfAsync(_second.SendIntrospectAsync(tokens.AccessToken)) == HttpStatusCode.OK);
        Assert.False((await _second.IntrospectAsync(tokens.AccessToken)).Active);
    }

    [Fact]
    public async Task Logs_carry_no_passwords_tokens_or_secrets()
    {
        const string password = "a very secret password 7f3b";
        var username = AuthClient.NewUsername("quiet");
        await _first.RegisterAsync(username, password);
        var tokens = await _first.TokenAsync(username, password);
        var refreshed = await _second.RefreshAsync(tokens.RefreshToken);
        using var reuse = await _first.SendRefreshAsync(tokens.RefreshToken);
        using var wrong = await _second.SendTokenAsync(username, password + "x");
        await _first.IntrospectAsync(refreshed.AccessToken);

        var secret = Topology.EnvironmentOf("authservice")["Auth__SigningKeyEncryptionSecret"];
        var databasePassword = new NpgsqlConnectionStringBuilder(Topology.ChatDbConnectionString).Password!;
        foreach (var replica in new[] { "authservice", "authservice-1" })
        {
            var logs = Topology.LogsOf(replica);
            Assert.NotEmpty(logs);
            foreach (var sensitive in new[] { password, secret, databasePassword, tokens.RefreshToken, refreshed.RefreshToken, tokens.AccessToken, refreshed.AccessToken, tokens.AccessToken.Split('.')[2] })
            {
                Assert.DoesNotContain(sensitive, logs, StringComparison.Ordinal);
            }
        }
    }

    private static async Task<bool> IntrospectsActiveAsync(AuthClient client, string token)
    {
        using var response = await client.SendIntrospectAsync(token);
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("\"active\":true", StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusOfAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Topology.ChatDbConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + RecoveryBound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
