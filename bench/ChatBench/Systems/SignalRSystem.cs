using AppHost.Testing;
using ChatBench.Clients;
using ChatBench.Hosting;
using ChatBench.Measurement;

namespace ChatBench.Systems;

/// <summary>The framework peer: two SignalR processes (<c>bench/Peers/SignalRChat</c>) sharing groups over a Redis backplane.</summary>
internal sealed class SignalRSystem : IChatSystem
{
    private readonly StandaloneRedis _redis;
    private readonly IReadOnlyList<PeerServer> _replicas;

    private SignalRSystem(StandaloneRedis redis, IReadOnlyList<PeerServer> replicas)
    {
        _redis = redis;
        _replicas = replicas;
        ConnectionHolders = [.. replicas.Select((replica, index) => ProcessGroup.Of($"signalr-{index}", replica.Pid))];
        Processes = [.. ConnectionHolders, ProcessGroup.Of("redis", redis.ProcessId), ProcessGroup.LoadGenerator];
    }

    public string Name => "signalr";

    public string Title => "SignalR + Redis (2 replicas)";

    public string Notes =>
        "ASP.NET Core SignalR hub, rooms as groups, Redis backplane (AddStackExchangeRedis); no auth, nothing stored, "
        + "no acknowledgement (the client's SendAsync returns once written); JSON hub protocol, invocation frames "
        + "carry the room and the text (~150 bytes).";

    public bool Acknowledges => false;

    public IReadOnlyList<ProcessGroup> Processes { get; }

    public IReadOnlyList<ProcessGroup> ConnectionHolders { get; }

    public static async Task<SignalRSystem> StartAsync()
    {
        // The AppHost's own Redis resource, alone: the same server and configuration ours runs with.
        var redis = await StandaloneRedis.CreateAsync();
        var replicas = new List<PeerServer>();
        try
        {
            await redis.StartAsync();
            var environment = new Dictionary<string, string> { ["ConnectionStrings__redis"] = redis.ConnectionString };
            for (var index = 0; index < 2; index++)
            {
                replicas.Add(await PeerServer.StartAsync($"signalr-{index}", "SignalRChat", environment));
            }

            return new SignalRSystem(redis, replicas);
        }
        catch
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            await redis.DisposeAsync();
            throw;
        }
    }

    public async Task<IChatClient> ConnectAsync(int member, IDeliverySink sink, CancellationToken cancellationToken) =>
        await SignalRClient.ConnectAsync(_replicas[member % _replicas.Count].Endpoint, sink, cancellationToken);

    public Task<IReadOnlyList<ConnectCase>> ConnectCasesAsync(int freshTokens) =>
        Task.FromResult<IReadOnlyList<ConnectCase>>(
        [
            new ConnectCase("unauthenticated", async (connector, sink, cancellationToken) => await ConnectAsync(connector, sink, cancellationToken)),
        ]);

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
