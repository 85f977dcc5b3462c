using System.Collections.Concurrent;
using System.Net.WebSockets;
using AppHost.Testing;
using ChatBench.Clients;
using ChatBench.Measurement;
using ChatBench.Workload;

namespace ChatBench.Systems;

/// <summary>
/// This system as the AppHost runs it (through Aspire.Hosting.Testing, Release builds): PostgreSQL, Redis,
/// AuthService and two ChatApi replicas, services logging at Warning. Members alternate between the replicas,
/// addressed directly (not through Aspire's proxy).
/// </summary>
internal sealed class OurSystem : IChatSystem
{
    private readonly AuthClient _auth;
    private readonly IReadOnlyList<Uri> _replicas;

    private OurSystem(DistributedTopology topology, AuthClient auth)
    {
        Topology = topology;
        _auth = auth;
        _replicas = topology.ChatApi;
        Processes =
        [
            .. _replicas.Select((_, index) => Service($"chatapi-{index}")),
            Service("authservice"),
            new ProcessGroup("postgres", () => topology.ProcessesOf("postgres")),
            new ProcessGroup("redis", () => topology.ProcessesOf("cache")),
            ProcessGroup.LoadGenerator,
        ];
        ConnectionHolders = [.. _replicas.Select((_, index) => Service($"chatapi-{index}"))];
    }

    public string Name => "ours";

    public string Title => "ours (2 replicas)";

    public string Notes =>
        "JWT on every connect (validated, cached per replica); every send stored in PostgreSQL (batched transactions) "
        + "and acknowledged after commit, then fanned out through Redis pub/sub in id order per room; `message` frames "
        + "carry room, id, sender id and name, text, time and clientMsgId (~330 bytes for a 100-character text).";

    public bool Acknowledges => true;

    public IReadOnlyList<ProcessGroup> Processes { get; }

    public IReadOnlyList<ProcessGroup> ConnectionHolders { get; }

    public DistributedTopology Topology { get; }

    public AuthClient Auth => _auth;

    /// <param name="chatApiEnvironment">Extra variables for the ChatApi replicas (the profile turns on perf maps).</param>
    public static async Task<OurSystem> StartAsync(IReadOnlyDictionary<string, string>? chatApiEnvironment = null)
    {
        var quiet = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        // One user holds every connection, and members send faster than a person would: lift those limits.
        var chatApi = new Dictionary<string, string>(quiet)
        {
            ["Chat__MaxConnectionsPerUser"] = "100000",
            ["Chat__SendRatePerSecond"] = "100000",
            ["Chat__SendBurst"] = "100000",
        };
        // One client address logs one user in on 8 chains at once and refreshes as fast as it can: lift the per-user
        // and per-address login limits (AuthService's docs/auth.md, "Login throttling" and "Rate limits").
        var authService = new Dictionary<string, string>(quiet)
        {
            ["Auth__Throttling__UsernameFailureLimit"] = "100000",
            ["Auth__Throttling__ClientFailureLimit"] = "100000",
            ["Auth__RateLimiting__ClientTokenLimit"] = "100000",
            ["Auth__RateLimiting__ClientTokensPerPeriod"] = "100000",
        };
        foreach (var (key, value) in chatApiEnvironment ?? new Dictionary<string, string>())
        {
            chatApi[key] = value;
        }

        var topology = await DistributedTopology.StartAsync(new TopologyOptions
        {
            ChatApiReplicas = 2,
            // An ack means stored durably: PostgreSQL flushes, as when the AppHost runs for real.
            DurableStorage = true,
            ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase) { ["chatapi"] = chatApi, ["authservice"] = authService },
        });
        var auth = new AuthClient(topology.AuthService);
        try
        {
            await auth.RegisterAsync();
            var system = new OurSystem(topology, auth);
            await system.WaitUntilConnectableAsync();
            return system;
        }
        catch
        {
            auth.Dispose();
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Healthy is not yet able to take a connect: each replica must listen (Aspire's health check goes through its proxy,
    /// which any replica answers) and have fetched AuthService's signing keys (503 until then).
    /// </summary>
    private async Task WaitUntilConnectableAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        for (var replica = 0; replica < _replicas.Count; replica++)
        {
            while (true)
            {
                try
                {
                    await using var client = await ConnectAsync(replica, new FailureLog(), patience.Token);
                    break;
                }
                catch (Exception exception) when (exception is ServiceUnavailableException or WebSocketException && !patience.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), patience.Token);
                }
            }
        }
    }

    public async Task<IChatClient> ConnectAsync(int member, IDeliverySink sink, CancellationToken cancellationToken) =>
        await OurClient.ConnectAsync(_replicas[member % _replicas.Count], await _auth.TokenAsync(), sink, cancellationToken);

    public async Task<IReadOnlyList<ConnectCase>> ConnectCasesAsync(int freshTokens)
    {
        // The cached case: one token every replica has already validated.
        var token = await _auth.TokenAsync();
        for (var replica = 0; replica < _replicas.Count; replica++)
        {
            await using var warm = await ConnectAsync(replica, new FailureLog(), CancellationToken.None);
        }

        var fresh = new ConcurrentQueue<string>(await _auth.FreshTokensAsync(freshTokens));
        return
        [
            new ConnectCase("cached token", async (connector, sink, cancellationToken) =>
                await OurClient.ConnectAsync(_replicas[connector % _replicas.Count], token, sink, cancellationToken)),
            new ConnectCase("fresh tokens", async (connector, sink, cancellationToken) =>
                fresh.TryDequeue(out var unseen)
                    ? await OurClient.ConnectAsync(_replicas[connector % _replicas.Count], unseen, sink, cancellationToken)
                    : null),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        _auth.Dispose();
        await Topology.DisposeAsync();
    }

    /// <summary>A service's own process: the child of the <c>dotnet run</c> the orchestrator started, without that host.</summary>
    private ProcessGroup Service(string resource) => new(resource, () => [.. Topology.ProcessesOf(resource).Skip(1)]);
}
