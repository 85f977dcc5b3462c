using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using static ChatApi.Tests.Distributed.Outages.OutageTable;

namespace ChatApi.Tests.Distributed.Outages;

public sealed class DependencyOutageTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = new() { [TokenRefusalLog.LogLevelVariable] = "Debug" },
        },
    };
}

/// <summary>
/// Each dependency of ChatApi (AuthService, PostgreSQL, Redis) taken out for real, stopped and frozen, while clients
/// connect and open sessions chat: what a new connect gets and how fast, what an open session gets, what /health says,
/// and how long ChatApi takes to recover once the dependency is back. Every number is printed in the table format of
/// docs/resilience.md.
/// </summary>
/// <remarks>
/// The bounds are generous on purpose and each says why: these tests run on two cores shared with other work. The
/// point is "decided without waiting on the failing dependency", not a benchmark; the printed numbers are the
/// measurement. Each scenario restores its dependency (finally) and the next one starts only once both replicas
/// answer /health with 200 again.
/// </remarks>
public sealed class DependencyOutageTests(DependencyOutageTopology fixture, ITestOutputHelper output) : IClassFixture<DependencyOutageTopology>
{
    /// <summary>A connect waits on a hung AuthService for one attempt (500 ms; the whole call is bounded at 600 ms); the rest is HTTP on a loaded machine.</summary>
    private static readonly TimeSpan FirstConnectBound = TimeSpan.FromSeconds(1.5);

    /// <summary>The circuit opens after three failed attempts in its 3 s window (connects' and the per-second probe's); the first connects alone take about 2 s.</summary>
    private static readonly TimeSpan CircuitOpensBound = TimeSpan.FromSeconds(5);

    /// <summary>Readiness is refreshed every second and each check gives up after 500 ms: it knows within 1.5 s; one more second for two shared cores.</summary>
    private static readonly TimeSpan ReadinessKnowsBound = TimeSpan.FromSeconds(2.5);

    /// <summary>A session's call to a hung store is given up after Chat:DependencyTimeout (3 s); 2 s of slack.</summary>
    private static readonly TimeSpan OpenSessionBound = TimeSpan.FromSeconds(5);

    /// <summary>A call to a store readiness already knows is down fails without I/O; a second covers scheduling.</summary>
    private static readonly TimeSpan KnownDownBound = TimeSpan.FromSeconds(1);

    /// <summary>The contract: /health answers within a second (asserted on the duration the service reports).</summary>
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(1);

    /// <summary>The round trip as the test host sees it, which also pays for its own scheduling: catches a stalled service only.</summary>
    private static readonly TimeSpan GenerousRoundTrip = TimeSpan.FromSeconds(2);

    /// <summary>Break (5 s) + the next readiness probe, the half-open trial (1 s) + 1 s of slack.</summary>
    private static readonly TimeSpan AuthRecoveryBound = TimeSpan.FromSeconds(7);

    /// <summary>Readiness (1 s), client reconnects (Npgsql's pool, StackExchange.Redis' reconnect back-off) and catch-up, on a loaded machine.</summary>
    private static readonly TimeSpan StorageRecoveryBound = TimeSpan.FromSeconds(15);

    /// <summary>How long the next scenario waits for both replicas to be ready again (a restarted dependency is already healthy).</summary>
    private static readonly TimeSpan ReadyAgainBound = TimeSpan.FromSeconds(60);

    /// <summary>Time for the read of an answer, beyond any bound asserted on it (so a slow answer fails the bound, not the read).</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private const int UncachedTokens = 8;
    private const int RefusalsChecked = 10;
    private const int SendsDuringCacheOutage = 5;

    private DistributedTopology Topology => fixture.Topology;

    [Theory]
    [InlineData(OutageMode.Down)]
    [InlineData(OutageMode.Hung)]
    public async Task While_AuthService_is_out_uncached_tokens_get_a_fast_503_and_cached_tokens_and_open_sessions_go_on(OutageMode mode)
    {
        await WaitUntilReadyAsync();
        await using var scenario = await OutageScenario.StartAsync(Topology, $"auth-{mode}");
        // Tokens issued before the outage that ChatApi has never seen: each needs an introspection.
        var uncached = new List<TestUser>();
        for (var i = 0; i < UncachedTokens; i++)
        {
            uncached.Add(await TestUser.CreateAsync(Topology, "fresh"));
        }

        var latecomer = await TestUser.CreateAsync(Topology, "late");
        var replica = Topology.ChatApi[0];

        output.WriteLine($"AuthService {mode}: {Load()}");
        await DependencyFault.InjectAsync(Topology, "authservice", mode);
        var outage = Stopwatch.StartNew();
        string newConnect, openSession, health;
        TimeSpan restoreTook;
        try
        {
            // New tokens: the first ones wait on AuthService for one attempt each and open the circuit (with the
            // readiness probe's failures); from then on each is refused at once.
            var log = TokenRefusalLog.FromNow(Topology, 0);
            var attempts = new List<(ConnectAttempt Attempt, bool CircuitOpen)>();
            TimeSpan? circuitOpen = null;
            foreach (var user in uncached)
            {
                var attempt = await ConnectAttempt.TryAsync(replica, user.AccessToken, outage);
                attempts.Add((attempt, circuitOpen is not null));
                output.WriteLine($"  uncached token: {attempt}{(circuitOpen is null ? string.Empty : " (circuit open)")}");
                if (circuitOpen is null && HealthSample.CircuitOf(await HealthProbe.GetAsync(replica)) is { } circuit and not "Closed")
                {
                    circuitOpen = outage.Elapsed;
                    output.WriteLine($"  circuit {circuit} at {S(outage.Elapsed)}");
                }
            }

            Assert.All(attempts, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Attempt.Status));
            Assert.All(attempts, a => Assert.True(a.Attempt.RetryAfterSeconds >= 1, $"no Retry-After ≥ 1 s: {a.Attempt}"));
            Assert.All(attempts, a => Assert.True(a.Attempt.Elapsed < FirstConnectBound, $"a connect waited {Ms(a.Attempt.Elapsed)}: {a.Attempt}"));
            Assert.True(circuitOpen < CircuitOpensBound, $"the circuit was not seen open within {S(CircuitOpensBound)}");
            var afterOpen = attempts.Where(a => a.CircuitOpen).Select(a => a.Attempt).ToList();
            Assert.True(afterOpen.Count >= 3, $"only {afterOpen.Count} connects after the circuit opened");
            // Decided by the open circuit, without a call to AuthService: ChatApi's reason for each says so.
            var reasons = await log.NextAsync(attempts.Count);
            Assert.All(reasons.Zip(attempts).Where(entry => entry.Second.CircuitOpen), entry => Assert.Equal(TokenRefusalLog.CircuitOpen, entry.First));
            RefusalTiming.AssertFast(afterOpen);

            // A token validated before the outage connects, on its replica (memory) and on the other one (Redis).
            var cachedHere = await ConnectAttempt.TryAsync(replica, scenario.AliceUser.AccessToken, outage);
            var cachedThere = await ConnectAttempt.TryAsync(Topology.ChatApi[1], scenario.AliceUser.AccessToken, outage);
            output.WriteLine($"  cached token, same replica: {cachedHere}; other replica: {cachedThere}");
            Assert.True(cachedHere.Upgraded, $"cached token refused: {cachedHere}");
            Assert.True(cachedThere.Upgraded, $"token cached by the other replica refused: {cachedThere}");

            // Open sessions keep chatting.
            var (answer, acked) = await scenario.SendAsync("during-auth-outage", ReadTimeout);
            Assert.Equal("ack", answer.Frame.Type());
            foreach (var member in scenario.Members)
            {
                await member.WaitForAsync(frame => frame.Type() == "message" && frame.Id() == answer.Frame.Id(), ChatSocket.DefaultTimeout);
            }

            output.WriteLine($"  open session: send acknowledged in {Ms(acked)}, delivered to every member");

            // ChatApi stays ready; the auth path says it is degraded.
            var sample = await HealthSample.TakeAsync(Topology.ChatApi, rounds: 3);
            foreach (var probe in sample.Probes)
            {
                Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
                Assert.Equal("Degraded", probe.Status);
                Assert.Equal("Degraded", probe.Checks["authservice"]);
            }

            AssertHealthAnswersInTime(sample);

            var firstConnects = attempts.Where(a => !a.CircuitOpen).Select(a => a.Attempt).ToList();
            newConnect = $"uncached token: 503 + Retry-After {RetryAfterRange(attempts.Select(a => a.Attempt))}; the first {firstConnects.Count} ≤ {Ms(firstConnects.Max(a => a.Elapsed))}, "
                + $"after the circuit opened ({S(circuitOpen!.Value)}) ≤ {Ms(afterOpen.Max(a => a.Elapsed))}; cached token: 101 in {Ms(cachedHere.Elapsed)} (other replica {Ms(cachedThere.Elapsed)})";
            openSession = $"send → ack in {Ms(acked)}, every member gets it";
            health = $"200, authservice Degraded; ≤ {Ms(sample.MaxServerDuration)} / ≤ {Ms(sample.MaxRoundTrip)}";
        }
        finally
        {
            restoreTook = await RestoreAsync("authservice", mode);
        }

        // Back: the readiness probe is the half-open trial; once it passes, new tokens are introspected again.
        var back = Stopwatch.StartNew();
        var healthy = HealthSample.WaitUntilHealthyAsync(Topology.ChatApi, "authservice", back, AuthRecoveryBound);
        var connected = ConnectUntilUpgradedAsync(replica, latecomer.AccessToken, back, AuthRecoveryBound);
        var sent = scenario.SendUntilAcknowledgedAsync("after-auth-outage", back, AuthRecoveryBound);
        await Task.WhenAll(healthy, connected, sent);

        await scenario.AssertEveryMemberGotEveryStoredMessageAsync(ChatSocket.DefaultTimeout);
        scenario.AssertSessionsStayedOpen();
        Report("AuthService", mode, newConnect, openSession, health, Recovery(mode, restoreTook, await healthy, await connected, await sent));
    }

    [Theory]
    [InlineData(OutageMode.Down)]
    [InlineData(OutageMode.Hung)]
    public async Task While_PostgreSQL_is_out_connects_get_503_and_session_calls_get_store_unavailable_never_an_ack_nor_a_close(OutageMode mode)
    {
        await WaitUntilReadyAsync();
        await using var scenario = await OutageScenario.StartAsync(Topology, $"db-{mode}");
        var replica = Topology.ChatApi[0];

        output.WriteLine($"PostgreSQL {mode}: {Load()}");
        await DependencyFault.InjectAsync(Topology, "postgres", mode);
        var outage = Stopwatch.StartNew();
        string newConnect, openSession, health;
        TimeSpan restoreTook;
        try
        {
            // At once, before readiness knows: a send on an open session, while new connects watch readiness turn.
            var firstSend = scenario.SendAsync("during-db-outage", ReadTimeout);
            var refusals = MeasureReadinessRefusalsAsync(replica, scenario.BobUser.AccessToken, outage);
            await Task.WhenAll(firstSend, refusals);
            var (first, firstElapsed) = await firstSend;
            AssertStoreUnavailable(first, firstElapsed, OpenSessionBound);

            // Known down now: a send, a join and a history are answered at once.
            var (known, knownElapsed) = await scenario.SendAsync("during-db-outage", ReadTimeout);
            AssertStoreUnavailable(known, knownElapsed, KnownDownBound);
            var joinElapsed = await AssertRefusedWithStoreUnavailableAsync(scenario.Alice, new { type = "join", room = ChatFrames.NewRoom("db-join") }, "join");
            var historyElapsed = await AssertRefusedWithStoreUnavailableAsync(scenario.Alice, new { type = "history", room = scenario.Room }, "history");
            await OutageScenario.AssertAnswersPingAsync(scenario.Alice);
            scenario.AssertSessionsStayedOpen();
            output.WriteLine($"  open session: send → store_unavailable in {Ms(firstElapsed)} (at once), {Ms(knownElapsed)} (known down); join {Ms(joinElapsed)}, history {Ms(historyElapsed)}");

            newConnect = Refusals(await refusals);
            openSession = $"send → `store_unavailable` in {Ms(firstElapsed)} at once, {Ms(knownElapsed)} once known; join {Ms(joinElapsed)}, history {Ms(historyElapsed)}; never an ack, never a close";
            health = await AssertNotReadyAsync("PostgreSql");
        }
        finally
        {
            restoreTook = await RestoreAsync("postgres", mode);
        }

        var back = Stopwatch.StartNew();
        if (mode == OutageMode.Hung)
        {
            await AssertDoorFollowsHealthAsync(Topology.ChatApi[1], back, StorageRecoveryBound);
        }

        var healthy = HealthSample.WaitUntilHealthyAsync(Topology.ChatApi, "PostgreSql", back, StorageRecoveryBound);
        var connected = ConnectUntilUpgradedAsync(replica, scenario.BobUser.AccessToken, back, StorageRecoveryBound);
        var sent = scenario.SendUntilAcknowledgedAsync("after-db-outage", back, StorageRecoveryBound);
        await Task.WhenAll(healthy, connected, sent);

        // Nothing answered store_unavailable was acknowledged; every member has exactly what chatdb holds.
        Assert.DoesNotContain(scenario.Alice.Frames, recorded => recorded.Frame.Type() == "ack" && recorded.Frame.ClientMsgId()!.StartsWith("during-db-outage", StringComparison.Ordinal));
        await scenario.AssertEveryMemberGotEveryStoredMessageAsync(ChatSocket.DefaultTimeout);
        scenario.AssertSessionsStayedOpen();
        Report("PostgreSQL", mode, newConnect, openSession, health, Recovery(mode, restoreTook, await healthy, await connected, await sent));
    }

    [Theory]
    [InlineData(OutageMode.Down)]
    [InlineData(OutageMode.Hung)]
    public async Task While_Redis_is_out_connects_get_503_sends_are_acknowledged_and_every_member_gets_them_in_order_once_it_is_back(OutageMode mode)
    {
        await WaitUntilReadyAsync();
        await using var scenario = await OutageScenario.StartAsync(Topology, $"cache-{mode}");
        var replica = Topology.ChatApi[0];

        // Two members alone in a room on their replica: when the last member goes, the replica unsubscribes (Redis).
        var bobAlone = $"{scenario.Room}-alone";
        await scenario.Bob.JoinAsync(bobAlone);
        var dave = await TestUser.CreateAsync(Topology, "dave");
        await using var daveSession = await SessionRecorder.ConnectAsync(Topology.ChatApi[1], dave.AccessToken, "dave@chatapi-1");
        await daveSession.JoinAsync($"{scenario.Room}-dave");
        var failuresBefore = ApplicationFailures();

        output.WriteLine($"Redis {mode}: {Load()}");
        await DependencyFault.InjectAsync(Topology, "cache", mode);
        var outage = Stopwatch.StartNew();
        var outageAcks = new List<(long Id, TimeSpan Elapsed)>();
        string newConnect, openSession, health;
        TimeSpan restoreTook;
        try
        {
            // Sends are stored in chatdb and acknowledged; their fan-out waits for Redis.
            var sends = Task.Run(async () =>
            {
                for (var i = 0; i < SendsDuringCacheOutage; i++)
                {
                    var (answer, elapsed) = await scenario.SendAsync("during-cache-outage", ReadTimeout);
                    Assert.True(answer.Frame.Type() == "ack", $"a send during the Redis outage got {answer.Frame.GetRawText()}");
                    Assert.True(elapsed < OpenSessionBound, $"an ack took {Ms(elapsed)}");
                    outageAcks.Add((answer.Frame.Id(), elapsed));
                    await Task.Delay(200);
                }
            });
            var refusals = MeasureReadinessRefusalsAsync(replica, scenario.BobUser.AccessToken, outage);
            await Task.WhenAll(sends, refusals);
            // A session that is the last member of its room ends (ChatApi's log says whether that went well, below).
            await daveSession.DisposeAsync();
            // The last member of a room leaves: the session answers its next frame, promptly, and stays open.
            var leaving = Stopwatch.StartNew();
            await scenario.Bob.SendAsync(new { type = "leave", room = bobAlone });
            await OutageScenario.AssertAnswersPingAsync(scenario.Bob);
            var leaveAnswered = leaving.Elapsed;
            scenario.AssertSessionsStayedOpen();
            output.WriteLine($"  open session: {outageAcks.Count} sends acknowledged in ≤ {Ms(outageAcks.Max(a => a.Elapsed))}; a leave (last member) then a ping answered in {Ms(leaveAnswered)}");
            Assert.True(leaveAnswered < OpenSessionBound, $"a leave then a ping took {Ms(leaveAnswered)}");

            newConnect = Refusals(await refusals);
            openSession = $"send → ack in ≤ {Ms(outageAcks.Max(a => a.Elapsed))} (×{outageAcks.Count}, stored in chatdb)";
            health = await AssertNotReadyAsync("StackExchange.Redis");
        }
        finally
        {
            restoreTook = await RestoreAsync("cache", mode);
        }

        // Every member, on either replica, gets what was acknowledged during the outage, in id order, once each, with
        // nothing else sent to the room: no later message fills the gap, the replicas must catch up by themselves.
        // The recovery send goes to Alice's side room for the same reason.
        var back = Stopwatch.StartNew();
        if (mode == OutageMode.Hung)
        {
            await AssertDoorFollowsHealthAsync(Topology.ChatApi[1], back, StorageRecoveryBound);
        }

        var healthy = HealthSample.WaitUntilHealthyAsync(Topology.ChatApi, "StackExchange.Redis", back, StorageRecoveryBound);
        var connected = ConnectUntilUpgradedAsync(replica, scenario.BobUser.AccessToken, back, StorageRecoveryBound);
        var sent = scenario.SendUntilAcknowledgedAsync("after-cache-outage", back, StorageRecoveryBound, scenario.SideRoom);
        var caughtUp = Task.Run(async () =>
        {
            await scenario.AssertEveryMemberGotEveryStoredMessageAsync(StorageRecoveryBound);
            return back.Elapsed;
        });
        await Task.WhenAll(healthy, connected, sent, caughtUp);
        var delivered = await caughtUp;
        foreach (var member in scenario.Members)
        {
            Assert.Subset(member.MessageIds(scenario.Room).ToHashSet(), outageAcks.Select(a => a.Id).ToHashSet());
        }

        // And the room's history shows them.
        var from = scenario.Bob.Count;
        await scenario.Bob.SendAsync(new { type = "history", room = scenario.Room, limit = 200 });
        var history = (await scenario.Bob.WaitForAsync(frame => frame.Type() == "history", ChatSocket.DefaultTimeout, from)).Frame;
        var stored = await StoredMessages.IdsAfterAsync(Topology.ChatDbConnectionString, scenario.Room, 0);
        Assert.Equal(stored, history.Messages().Select(message => message.Id()));
        scenario.AssertSessionsStayedOpen();
        Assert.Equal(failuresBefore, ApplicationFailures());

        output.WriteLine($"  every member had the outage's messages {S(delivered)} after Redis was back");
        Report("Redis", mode, newConnect, openSession + $"; every member gets them, in order, once, {S(delivered)} after Redis is back", health,
            Recovery(mode, restoreTook, await healthy, await connected, await sent));
    }

    /// <summary>
    /// Connects (a token the replica has cached) until readiness refuses, then checks a series of refusals: each a 503
    /// with Retry-After, fast. Returns when the first refusal arrived and the refusals.
    /// </summary>
    private async Task<(TimeSpan KnownAfter, IReadOnlyList<ConnectAttempt> Refusals)> MeasureReadinessRefusalsAsync(Uri replica, string token, Stopwatch outage)
    {
        ConnectAttempt first;
        while (true)
        {
            var attempt = await ConnectAttempt.TryAsync(replica, token, outage);
            if (attempt.Status == HttpStatusCode.ServiceUnavailable)
            {
                first = attempt;
                break;
            }

            // Until readiness knows, the node still upgrades (the token is cached; nothing waits on the dependency).
            Assert.True(attempt.Upgraded, $"before readiness knew: {attempt}");
            Assert.True(outage.Elapsed < ReadinessKnowsBound + ChatSocket.DefaultTimeout, $"still upgrading after {S(outage.Elapsed)}");
            await Task.Delay(100);
        }

        var knownAfter = first.At + first.Elapsed;
        var refusals = new List<ConnectAttempt> { first };
        for (var i = 1; i < RefusalsChecked; i++)
        {
            refusals.Add(await ConnectAttempt.TryAsync(replica, token, outage));
            await Task.Delay(50);
        }

        foreach (var refusal in refusals)
        {
            output.WriteLine($"  new connect: {refusal}");
        }

        Assert.True(knownAfter < ReadinessKnowsBound, $"readiness refused the first connect only {S(knownAfter)} into the outage");
        Assert.All(refusals, refusal => Assert.Equal(HttpStatusCode.ServiceUnavailable, refusal.Status));
        Assert.All(refusals, refusal => Assert.True(refusal.RetryAfterSeconds >= 1, $"no Retry-After ≥ 1 s: {refusal}"));
        // The token is cached, so a 503 is the readiness gate's (no I/O): only the clock is left to check.
        RefusalTiming.AssertFast(refusals);
        return (knownAfter, refusals);
    }

    /// <summary>
    /// Right after a hung dependency thaws: polls the replica's <c>/health</c> until it answers 200, then asks the door
    /// at once. The door reads the report that /health just ran, so it must agree (a tokenless upgrade gets past
    /// readiness to the 401) rather than refuse until the next background run. Hung only: a thawed connection works
    /// at once, while after a restart a pool's broken connections may fail one more check, rightly closing the door.
    /// </summary>
    private static async Task AssertDoorFollowsHealthAsync(Uri replica, Stopwatch clock, TimeSpan within)
    {
        while ((await HealthProbe.GetAsync(replica)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < within, $"{replica} still not ready {S(clock.Elapsed)} after the dependency was back");
            await Task.Delay(20);
        }

        await AssertDoorOpenAsync(replica, $"/health answered 200 at {S(clock.Elapsed)}");
    }

    /// <summary>A tokenless upgrade gets past readiness to the 401: the door takes new sessions.</summary>
    private static async Task AssertDoorOpenAsync(Uri replica, string after)
    {
        var (socket, status, _) = await ChatSocket.TryConnectAsync(replica, token: null);
        Assert.Null(socket);
        Assert.True(status == HttpStatusCode.Unauthorized, $"{replica}: {after}, the door then answered {(int)status}");
    }

    /// <summary>Connects until upgraded; every refusal on the way must be an honest 503. Returns when it succeeded.</summary>
    private static async Task<TimeSpan> ConnectUntilUpgradedAsync(Uri replica, string token, Stopwatch clock, TimeSpan within)
    {
        while (true)
        {
            var attempt = await ConnectAttempt.TryAsync(replica, token, clock);
            if (attempt.Upgraded)
            {
                return clock.Elapsed;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, attempt.Status);
            Assert.True(clock.Elapsed < within, $"connects still refused {S(clock.Elapsed)} after the dependency was back: {attempt}");
            await Task.Delay(100);
        }
    }

    private static async Task<TimeSpan> AssertRefusedWithStoreUnavailableAsync(SessionRecorder session, object request, string reference)
    {
        var from = session.Count;
        var stopwatch = Stopwatch.StartNew();
        await session.SendAsync(request);
        var answer = await session.WaitForAsync(
            frame => frame.Type() is "error" or "joined" or "history" && (frame.Type() != "error" || frame.GetProperty("ref").GetString() == reference),
            ReadTimeout,
            from);
        AssertStoreUnavailable(answer, stopwatch.Elapsed, KnownDownBound);
        return stopwatch.Elapsed;
    }

    private static void AssertStoreUnavailable(RecordedFrame answer, TimeSpan elapsed, TimeSpan bound)
    {
        Assert.True(answer.Frame.Type() == "error", $"expected store_unavailable, got {answer.Frame.GetRawText()}");
        Assert.Equal("store_unavailable", answer.Frame.GetProperty("code").GetString());
        Assert.True(elapsed < bound, $"store_unavailable took {Ms(elapsed)} (bound {Ms(bound)})");
    }

    private static void AssertHealthAnswersInTime(HealthSample sample)
    {
        Assert.True(sample.MaxServerDuration < ContractBound, $"a /health answer took {Ms(sample.MaxServerDuration)} by the service's own report");
        Assert.True(sample.MaxRoundTrip < GenerousRoundTrip, $"a /health round trip took {Ms(sample.MaxRoundTrip)}");
    }

    /// <summary>What ChatApi's replicas logged as bugs so far: unhandled request exceptions and frames that failed unexpectedly.</summary>
    private IReadOnlyList<string> ApplicationFailures() => Topology.ApplicationFailures("chatapi-0", "chatapi-1");

    /// <summary>Both replicas answer /health with 503 naming <paramref name="check"/> Unhealthy, in time; returns the table's cell.</summary>
    private async Task<string> AssertNotReadyAsync(string check)
    {
        var sample = await HealthSample.TakeAsync(Topology.ChatApi, rounds: 3);
        foreach (var probe in sample.Probes)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.StatusCode);
            Assert.Equal("Unhealthy", probe.Checks[check]);
        }

        AssertHealthAnswersInTime(sample);
        return $"503, {check} Unhealthy; ≤ {Ms(sample.MaxServerDuration)} / ≤ {Ms(sample.MaxRoundTrip)}";
    }

    /// <summary>
    /// Waits for each replica's <c>/health</c> to answer 200, then checks that its door agrees at once: the report
    /// /health just ran is the one <c>/ws</c> reads, so a tokenless upgrade gets past readiness to the 401.
    /// </summary>
    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        foreach (var replica in Topology.ChatApi)
        {
            var (probe, _) = await HealthProbe.WaitForAsync(replica, HttpStatusCode.OK, ReadyAgainBound - clock.Elapsed);
            Assert.True(probe.StatusCode == HttpStatusCode.OK, $"{replica} not ready before the scenario: {probe.Body}");
            await AssertDoorOpenAsync(replica, "/health said 200");
        }
    }

    private async Task<TimeSpan> RestoreAsync(string resource, OutageMode mode)
    {
        var stopwatch = Stopwatch.StartNew();
        await DependencyFault.RestoreAsync(Topology, resource, mode);
        output.WriteLine($"  {resource} back after {S(stopwatch.Elapsed)} ({(mode == OutageMode.Down ? "started, healthy" : "thawed")}); {Load()}");
        return stopwatch.Elapsed;
    }

    private void Report(string dependency, OutageMode mode, string newConnect, string openSession, string health, string recovery)
    {
        output.WriteLine(string.Empty);
        output.WriteLine(Header);
        output.WriteLine(Rule);
        output.WriteLine(Row(dependency, mode, newConnect, openSession, health, recovery));
        output.WriteLine($"({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Load()})");
    }

    private static string Refusals((TimeSpan KnownAfter, IReadOnlyList<ConnectAttempt> Refusals) measured) =>
        $"503 + Retry-After {RetryAfterRange(measured.Refusals)} from {S(measured.KnownAfter)} on; each ≤ {Ms(measured.Refusals.Max(r => r.Elapsed))}";

    private static string RetryAfterRange(IEnumerable<ConnectAttempt> attempts)
    {
        var seconds = attempts.Select(a => a.RetryAfterSeconds ?? 0).ToList();
        return seconds.Min() == seconds.Max() ? $"{seconds.Min()} s" : $"{seconds.Min()}–{seconds.Max()} s";
    }

    private static string Recovery(OutageMode mode, TimeSpan restoreTook, TimeSpan healthy, TimeSpan connected, TimeSpan sent) =>
        $"{S(healthy)} · {S(connected)} · {S(sent)}{(mode == OutageMode.Down ? $" (restart took {S(restoreTook)})" : string.Empty)}";
}
