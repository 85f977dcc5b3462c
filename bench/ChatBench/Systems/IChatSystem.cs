using ChatBench.Clients;
using ChatBench.Measurement;

namespace ChatBench.Systems;

/// <summary>A system under test, running: how to connect a member, and which processes are its cost.</summary>
internal interface IChatSystem : IAsyncDisposable
{
    /// <summary>Short name for the command line and headings: <c>ours</c>, <c>signalr</c>, <c>kestrel</c>.</summary>
    string Name { get; }

    /// <summary>Column title in the comparison table.</summary>
    string Title { get; }

    /// <summary>What this system does that the others may not (auth, persistence, replicas, frame size).</summary>
    string Notes { get; }

    /// <summary>Whether sends are acknowledged (ours: after commit), so the workload waits for and measures acks.</summary>
    bool Acknowledges { get; }

    /// <summary>Every process whose CPU the steps report: the system's, and the load generator (not counted as the system's).</summary>
    IReadOnlyList<ProcessGroup> Processes { get; }

    /// <summary>The processes that hold client connections: their RSS growth is the memory per idle connection.</summary>
    IReadOnlyList<ProcessGroup> ConnectionHolders { get; }

    /// <summary>Connects member <paramref name="member"/>; members alternate between replicas where there are several.</summary>
    Task<IChatClient> ConnectAsync(int member, IDeliverySink sink, CancellationToken cancellationToken);

    /// <summary>The kinds of connect the connect-rate measurement runs (ours: cached token, fresh tokens).</summary>
    Task<IReadOnlyList<ConnectCase>> ConnectCasesAsync(int freshTokens);
}
