using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;
using static ChatApi.Tests.Distributed.Outages.OutageTable;

namespace ChatApi.Tests.Distributed.Outages;

public sealed class RandomizedFaultRunTopology : TopologyFixture;

/// <summary>
/// Clients on both ChatApi replicas keep joining, sending and resuming while, one at a time, PostgreSQL, Redis and
/// AuthService are frozen, killed or stopped and restarted at random, and one replica is restarted gracefully and one
/// SIGKILLed. Afterwards chatdb, read directly, must agree with what every client was told and saw: nothing
/// acknowledged lost or stored twice, every member saw its rooms exactly once and in order, no 1011, no HTTP 500, and
/// no unhandled exception in ChatApi's logs.
/// </summary>
/// <remarks>
/// Seeded: <c>FAULT_RUN_SEED</c> when set, otherwise random; the seed is printed, and every random choice (the plan,
/// each client's choices) comes from <see cref="Random"/> seeded from it. What the seed cannot fix is timing: the
/// same plan on a busier machine interleaves differently. The fault budget (calm + outage time of the plan) is 25 s
/// by default (<c>FAULT_RUN_BUDGET_SECONDS</c> to change it): restarts come on top (a ChatApi replica takes 10-30 s
/// to start again on two loaded cores), so the whole test, the final checks included, stays around 90 s.
/// </remarks>
public sealed class RandomizedFaultRunTests(RandomizedFaultRunTopology fixture, ITestOutputHelper output) : IClassFixture<RandomizedFaultRunTopology>
{
    public const string BudgetVariable = "FAULT_RUN_BUDGET_SECONDS";

    private const int ClientCount = 6;
    private const int RoomCount = 3;
    /// <summary>Shared rooms per client (each client also has a room of its own).</summary>
    private const int RoomsPerClient = 2;
    private static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(25);

    /// <summary>The clients chat a moment before the first fault: every room has members and messages on both replicas.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>Both replicas ready after the last fault (each restart already waited for health).</summary>
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);

    /// <summary>Resends after the faults: each client reconnects (back-off up to 1 s) and its sends are stored at once.</summary>
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(30);

    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task While_dependencies_and_replicas_fail_at_random_no_acknowledged_message_is_lost_and_every_member_sees_its_rooms_once_in_order()
    {
        var wall = Stopwatch.StartNew();
        var seed = FaultPlan.ChooseSeed();
        var random = new Random(seed);
        var plan = FaultPlan.Create(seed, random, Budget());
        output.WriteLine($"seed {seed} (reproduce: {FaultPlan.SeedVariable}={seed}); fault budget {S(plan.Budget)} in {plan.Steps.Count} steps; {Load()}");
        foreach (var step in plan.Steps)
        {
            output.WriteLine($"  plan: {step}");
        }

        var log = new FaultRunLog();
        var shared = Enumerable.Range(0, RoomCount).Select(i => ChatFrames.NewRoom($"fault{i}")).ToList();
        var rooms = new List<string>(shared);
        var clients = new List<FaultRunClient>();
        for (var i = 0; i < ClientCount; i++)
        {
            var user = await TestUser.CreateAsync(Topology, $"runner{i}");
            // Shared rooms, and one of its own: whenever it leaves that one or its session ends, it is the room's last
            // member on its replica, which unsubscribes from Redis.
            var own = ChatFrames.NewRoom($"own{i}");
            rooms.Add(own);
            var clientRooms = shared.OrderBy(_ => random.Next()).Take(RoomsPerClient).Append(own).ToList();
            clients.Add(new FaultRunClient($"c{i}", user, clientRooms, preferredReplica: i % 2, seed: random.Next(), Topology, log));
        }

        using var sending = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();
        var running = clients.Select(client => Task.Run(() => client.RunAsync(sending.Token, stop.Token))).ToList();
        var settleViolations = new List<string>();
        TimeSpan faultsTook;
        try
        {
            await Task.Delay(WarmUp);
            var faults = Stopwatch.StartNew();
            await new FaultInjector(Topology, log).RunAsync(plan);
            faultsTook = faults.Elapsed;
            log.Event($"faults over after {S(faultsTook)}");

            // Everything is back: no new messages; every unacknowledged send is resent until it is stored.
            await WaitUntilReadyAsync();
            await sending.CancelAsync();
            await SettleAsync("every send acknowledged", () => clients.All(client => client.PendingCount == 0), clients, settleViolations);

            // One last message per client and room: a replica fills any gap left by an announcement lost with a killed
            // replica when the room's next message comes (docs/architecture.md, "Fan-out").
            foreach (var client in clients)
            {
                client.QueueFinalMessages();
            }

            await SettleAsync("the final messages acknowledged", () => clients.All(client => client.PendingCount == 0), clients, settleViolations);
            var last = (await StoredMessages.ReadAsync(Topology.ChatDbConnectionString, rooms))
                .GroupBy(row => row.Room, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Max(row => row.Id), StringComparer.Ordinal);
            await SettleAsync(
                "every member has seen its rooms up to the last stored message",
                () => clients.All(client => client.Rooms.All(room => client.LastSeen(room) >= last.GetValueOrDefault(room))),
                clients,
                settleViolations);
            log.Event("settled");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(30));
            foreach (var line in log.Timeline)
            {
                output.WriteLine($"  {line}");
            }

            output.WriteLine($"  events: {string.Join("; ", log.Counts.Select(pair => $"{pair.Key} ×{pair.Value}"))}");
        }

        var stored = await StoredMessages.ReadAsync(Topology.ChatDbConnectionString, rooms);
        var result = FaultRunInvariants.Check(stored, clients);
        var violations = log.Violations.Concat(settleViolations).Concat(result.Violations).Concat(ApplicationFailures()).ToList();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"checked: {stored.Count} messages stored in {rooms.Count} rooms, {result.AcknowledgedChecked} acknowledged sends, {result.DeliveriesChecked} deliveries to {clients.Count} clients over {clients.Sum(c => c.Sessions)} sessions; slowest join answer {S(clients.Max(c => c.SlowestJoin))}"));
        output.WriteLine($"faults took {S(faultsTook)}, the whole test {S(wall.Elapsed)}; {Load()}");
        foreach (var violation in violations)
        {
            output.WriteLine($"  VIOLATION {violation}");
        }

        Assert.True(stored.Count > 0, "nothing was stored");
        Assert.True(violations.Count == 0, $"seed {seed}: {violations.Count} violations (reproduce with {FaultPlan.SeedVariable}={seed}):\n{string.Join("\n", violations.Take(40))}");
    }

    /// <summary>What the ChatApi replicas logged as bugs: unhandled request exceptions, frames that failed unexpectedly.</summary>
    private IEnumerable<string> ApplicationFailures() => Topology.ApplicationFailures("chatapi-0", "chatapi-1");

    private static TimeSpan Budget() =>
        Environment.GetEnvironmentVariable(BudgetVariable) is { Length: > 0 } value
            ? TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture))
            : DefaultBudget;

    /// <summary>Polls <paramref name="done"/> until it holds; past the bound, records why (the invariant check then says what is missing).</summary>
    private static async Task SettleAsync(string what, Func<bool> done, IReadOnlyList<FaultRunClient> clients, List<string> violations)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > SettleBound)
            {
                violations.Add($"not settled within {S(SettleBound)}: {what}; unacknowledged: "
                    + string.Join("; ", clients.Where(c => c.PendingCount > 0).Select(c => $"{c.Name}: {string.Join(", ", c.Pending)}")));
                return;
            }

            await Task.Delay(100);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        foreach (var replica in Topology.ChatApi)
        {
            var (probe, _) = await HealthProbe.WaitForAsync(replica, HttpStatusCode.OK, ReadyBound - clock.Elapsed);
            Assert.True(probe.StatusCode == HttpStatusCode.OK, $"{replica} not ready after the faults: {probe.Body}");
        }
    }
}
