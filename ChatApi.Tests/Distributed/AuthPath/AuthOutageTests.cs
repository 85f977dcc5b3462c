using System.Diagnostics;
using System.Net;

namespace ChatApi.Tests.Distributed.AuthPath;

public sealed class AuthOutageTopology : TopologyFixture
{
    protected override TopologyOptions Options => new() { ChatApiReplicas = 1 };
}

/// <summary>
/// AuthService goes away for real (the process is stopped) while clients connect. Bounds are generous on purpose
/// (they run on two shared cores): the point is "fast, without waiting on timeouts", not a benchmark.
/// </summary>
public sealed class AuthOutageTests(AuthOutageTopology fixture) : IClassFixture<AuthOutageTopology>
{
    /// <summary>The contract: quickly. The circuit answers without I/O, so this is mostly HTTP and the upgrade attempt.</summary>
    private static readonly TimeSpan FastRefusal = TimeSpan.FromMilliseconds(200);

    /// <summary>The break (AuthPath:Resilience:BreakDuration, 5 s) plus a second.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(6);

    private DistributedTopology Topology => fixture.Topology;

    private Uri ChatApi => Topology.ChatApi[0];

    [Fact]
    public async Task While_AuthService_is_down_new_tokens_get_a_fast_503_cached_tokens_and_open_sessions_go_on_and_it_recovers()
    {
        var room = ChatFrames.NewRoom("outage");
        var alice = await TestUser.CreateAsync(Topology, "alice");
        var bob = await TestUser.CreateAsync(Topology, "bob");
        // Tokens issued before the outage that ChatApi has never seen: they need introspection.
        var fresh = new List<TestUser>();
        for (var i = 0; i < 20; i++)
        {
            fresh.Add(await TestUser.CreateAsync(Topology, "fresh"));
        }

        await using var aliceSession = await ChatSocket.ConnectAsync(ChatApi, alice.AccessToken);
        await using var bobSession = await ChatSocket.ConnectAsync(ChatApi, bob.AccessToken);
        await aliceSession.JoinAsync(room);
        await bobSession.JoinAsync(room);

        await Topology.StopAsync("authservice");
        try
        {
            // The first attempts find AuthService gone (connection refused: fast anyway) and open the circuit;
            // from then on every new token is refused at once, without touching the network.
            var attempts = new List<(HttpStatusCode Status, TimeSpan Elapsed, string? RetryAfter)>();
            foreach (var user in fresh)
            {
                var stopwatch = Stopwatch.StartNew();
                var (socket, status, headers) = await ChatSocket.TryConnectAsync(ChatApi, user.AccessToken);
                attempts.Add((status, stopwatch.Elapsed, headers.TryGetValue("Retry-After", out var value) ? value.Single() : null));
                Assert.Null(socket);
            }

            Assert.All(attempts, attempt => Assert.Equal(HttpStatusCode.ServiceUnavailable, attempt.Status));
            Assert.All(attempts, attempt => Assert.True(int.Parse(attempt.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1));
            var afterFewFailures = attempts.Skip(5).ToList();
            Assert.All(afterFewFailures, attempt => Assert.True(attempt.Elapsed < FastRefusal, $"a refusal took {attempt.Elapsed.TotalMilliseconds:0} ms"));

            // A token validated before the outage still opens sessions; open sessions keep chatting.
            await using var aliceAgain = await ChatSocket.ConnectAsync(ChatApi, alice.AccessToken);
            Assert.Equal("welcome", (await aliceAgain.WelcomeAsync()).Type());
            await aliceSession.SendAsync(new { type = "send", room, text = "still here", clientMsgId = "during-outage" });
            Assert.Equal("during-outage", (await aliceSession.ReceiveUntilAsync("ack")).Frame.ClientMsgId());
            Assert.Equal("during-outage", (await bobSession.ReceiveUntilAsync("message")).Frame.ClientMsgId());

            // ChatApi stays ready (cached tokens work); the auth path reports itself degraded, quickly.
            var health = await HealthProbe.GetAsync(ChatApi);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", health.Checks["authservice"]);
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(1));
        }
        finally
        {
            await Topology.StartAsync("authservice");
        }

        // Back: a new token connects again within the break plus a second.
        var recovering = Stopwatch.StartNew();
        var latecomer = await TestUser.CreateAsync(Topology, "late");
        while (true)
        {
            var (socket, status, _) = await ChatSocket.TryConnectAsync(ChatApi, latecomer.AccessToken);
            if (socket is not null)
            {
                await socket.DisposeAsync();
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.True(recovering.Elapsed < Recovery, $"still refused {recovering.Elapsed.TotalSeconds:0.0} s after AuthService came back");
            await Task.Delay(100);
        }

        Assert.True(recovering.Elapsed < Recovery);
    }
}
