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

        var introspections = IntrospectionLine().Matches(Topology.LogsOf("authservice")).Count(match => match.Groups["jti"].Value == tokenId);
        Assert.Equal(1, introspections);
    }

    private static string TokenIdOf(string token)
    {
        var payload = token.Split('.')[1];
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=').Replace('-', '+').Replace('_', '/'));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("jti").GetString()!;
    }

    [GeneratedRegex("Introspected token (?<jti>[0-9a-fA-F-]+): active")]
    private static partial Regex IntrospectionLine();
}
