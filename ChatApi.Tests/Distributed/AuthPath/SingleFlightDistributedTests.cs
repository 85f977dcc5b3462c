using System.Text.RegularExpressions;

namespace ChatApi.Tests.Distributed.AuthPath;

public sealed class SingleFlightTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new() { ["Chat__MaxConnectionsPerUser"] = "200" },
            // AuthService logs every introspection (token id, never the token) at Debug.
            ["authservice"] = new() { ["Logging__LogLevel__AuthService.Tokens.TokenIntrospector"] = "Debug" },
        },
    };
}

public sealed partial class SingleFlightDistributedTests(SingleFlightTopology fixture) : IClassFixture<SingleFlightTopology>
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task A_hundred_concurrent_connects_with_one_fresh_token_make_exactly_one_introspection_call()
    {
        var user = await TestUser.CreateAsync(Topology);
        var tokenId = TokenIdOf(user.AccessToken);

        var sockets = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken)));
        try
        {
            foreach (var socket in sockets)
            {
                Assert.Equal("welcome", (await socket.WelcomeAsync()).GetProperty("type").GetString());
            }
        }
        finally
        {
            await Task.WhenAll(sockets.Select(socket => socket.DisposeAsync().AsTask()));
        }

        // The logs reach the test a moment after they are written, in the order AuthService wrote them: once the
        // line of a later introspection (a marker token's) is here, every line of the connects' is too.
        var marker = await TestUser.CreateAsync(Topology, "marker");
        using (var auth = new AuthClient(Topology.AuthService))
        {
            Assert.True((await auth.IntrospectAsync(marker.AccessToken)).Active);
        }

        var markerId = TokenIdOf(marker.AccessToken);
        var logs = await Topology.WaitForLogsAsync("authservice", logs => IntrospectionsOf(logs, markerId) > 0);
        Assert.Equal(1, IntrospectionsOf(logs, tokenId));
    }

    private static string TokenIdOf(string token)
    {
        var payload = token.Split('.')[1];
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=').Replace('-', '+').Replace('_', '/'));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("jti").GetString()!;
    }

    private static int IntrospectionsOf(string logs, string tokenId) =>
        IntrospectionLine().Matches(logs).Count(match => match.Groups["jti"].Value == tokenId);

    [GeneratedRegex("Introspected token (?<jti>[0-9a-fA-F-]+): active")]
    private static partial Regex IntrospectionLine();
}
