using ChatBench.Clients;
using ChatBench.Hosting;
using ChatBench.Measurement;

namespace ChatBench.Systems;

/// <summary>The ceiling: one bare Kestrel WebSocket process (<c>bench/Peers/KestrelBroadcast</c>) broadcasting in-process.</summary>
internal sealed class KestrelSystem : IChatSystem
{
    private readonly PeerServer _server;

    private KestrelSystem(PeerServer server)
    {
        _server = server;
        ConnectionHolders = [ProcessGroup.Of("kestrel", server.Pid)];
        Processes = [.. ConnectionHolders, ProcessGroup.LoadGenerator];
    }

    public string Name => "kestrel";

    public string Title => "bare Kestrel WebSocket (1 process)";

    public string Notes =>
        "One process, rooms in memory, a message is serialised once and queued to each member; no auth, nothing "
        + "stored, no acknowledgement, no cross-process fan-out; `message` frames carry the room and the text (~150 bytes).";

    public bool Acknowledges => false;

    public IReadOnlyList<ProcessGroup> Processes { get; }

    public IReadOnlyList<ProcessGroup> ConnectionHolders { get; }

    public static async Task<KestrelSystem> StartAsync() => new(await PeerServer.StartAsync("kestrel", "KestrelBroadcast"));

    public async Task<IChatClient> ConnectAsync(int member, IDeliverySink sink, CancellationToken cancellationToken) =>
        await BroadcastClient.ConnectAsync(_server.Endpoint, sink, cancellationToken);

    public Task<IReadOnlyList<ConnectCase>> ConnectCasesAsync(int freshTokens) =>
        Task.FromResult<IReadOnlyList<ConnectCase>>(
        [
            new ConnectCase("unauthenticated", async (connector, sink, cancellationToken) => await ConnectAsync(connector, sink, cancellationToken)),
        ]);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
