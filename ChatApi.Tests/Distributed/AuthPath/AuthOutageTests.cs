using System.Diagnostics;
using System.Net;
using ChatApi.Tests.Distributed.Outages;
using Xunit.Abstractions;

namespace ChatApi.Tests.Distributed.AuthPath;

public sealed class AuthOutageTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 1,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new() { [TokenRefusalLog.LogLevelVariable] = "Debug" },
        },
    };
}

/// <summary>
/// AuthService goes away for real (the process is stopped) while clients connect. Bounds are generous on purpose
/// (they run on two shared cores): the point is "fast, without waiting on timeouts", not a benchmark; that a refusal
/// made no call is read from ChatApi's reason for it, not from the clock.
/// </summary>
public sealed class AuthOutageTests(AuthOutageTopology fixture, ITestOutputHelper output) : IClassFixture<AuthOutageTopology>
{
    /// <summary>Three failed attempts in the circuit's window open it; the readiness probe's failures count too.</summary>
    private const int OpensWithin = 5;

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
            // The first attempts find AuthService gone (through Aspire's proxy a stopped service looks hung: each waits
            // one attempt) and open the circuit; from then on every new token is refused at once, without a call.
            var log = TokenRefusalLog.FromNow(Topology, 0);
            var outage = Stopwatch.StartNew();
            var attempts = new List<ConnectAttempt>();
            foreach (var user in fresh)
            {
                attempts.Add(await ConnectAttempt.TryAsync(ChatApi, user.AccessToken, outage));
            }

            var reasons = await log.NextAsync(attempts.Count);
            foreach (var (attempt, reason) in attempts.Zip(reasons))
            {
                output.WriteLine($"{attempt}: {reason}");
            }

            Assert.All(attempts, attempt => Assert.Equal(HttpStatusCode.ServiceUnavailable, attempt.Status));
            Assert.All(attempts, attempt => Assert.True(attempt.RetryAfterSeconds >= 1, $"no Retry-After ≥ 1 s: {attempt}"));
            var opened = reasons.ToList().IndexOf(TokenRefusalLog.CircuitOpen);
            Assert.InRange(opened, 0, OpensWithin - 1);
            Assert.All(reasons.Skip(opened), reason => Assert.Equal(TokenRefusalLog.CircuitOpen, reason));
            RefusalTiming.AssertFast(attempts.Skip(opened).ToList());

            // A token validated before the outage still opens sessions; open sessions keep chatting.
            await using var aliceAgain = await ChatSocket.ConnectAsync(ChatApi, alice.AccessToken);
            Assert.Equal("welcome", (await aliceAgain.WelcomeAsync()).Type());
            await aliceSession.SendAsync(new { type = "send", room, text = "still here", clientMsgId = "during-outage" });
            Assert.Equal("during-outage", (await aliceSession.ReceiveUntilAsync("ack")).Frame.ClientMsgId());
            Assert.Equal("during-outage", (await bobSession.ReceiveUntilAsync("message")).Frame.ClientMsgId());

            // ChatApi stays ready (cached tokens work); the auth path reports itself degraded, within the contract's
            // second by the service's own report (the round trip, which also pays the test host's scheduling, gets 2 s).
            var health = await HealthProbe.GetAsync(ChatApi);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", health.Checks["authservice"]);
            Assert.True(health.ServerDuration < TimeSpan.FromSeconds(1), $"/health reported {health.ServerDuration.TotalMilliseconds:0} ms");
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(2), $"/health took {health.Elapsed.TotalMilliseconds:0} ms round trip");
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
