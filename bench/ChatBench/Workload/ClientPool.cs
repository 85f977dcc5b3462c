using ChatBench.Clients;
using ChatBench.Systems;

namespace ChatBench.Workload;

/// <summary>Many connections to one system, opened a bounded number at a time and closed together.</summary>
internal sealed class ClientPool : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private ClientPool(IChatClient[] clients) => Clients = clients;

    public IReadOnlyList<IChatClient> Clients { get; }

    /// <summary>Connects members 0..count-1 (at most <paramref name="concurrency"/> at a time); any failure fails the whole pool.</summary>
    /// <param name="placement">The number each member connects as (its replica is that number modulo the replicas); itself by default.</param>
    public static async Task<ClientPool> ConnectAsync(IChatSystem system, int count, int concurrency, IDeliverySink sink, Func<int, int>? placement = null)
    {
        var clients = new IChatClient?[count];
        using var timeout = new CancellationTokenSource(ConnectTimeout + TimeSpan.FromMilliseconds(count * 20));
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = timeout.Token }, async (member, cancellationToken) =>
                clients[member] = await ConnectAsync(system, placement?.Invoke(member) ?? member, sink, cancellationToken));
        }
        catch (Exception exception)
        {
            await CloseAsync(clients);
            throw new InvalidOperationException(
                $"{system.Name}: could not open {count} connections ({clients.Count(client => client is not null)} opened): {exception.Message}", exception);
        }

        return new ClientPool(clients!);
    }

    /// <summary>One member, again after a moment while the system answers 503 (not ready): the workload needs every member.</summary>
    public static async Task<IChatClient> ConnectAsync(IChatSystem system, int member, IDeliverySink sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await system.ConnectAsync(member, sink, cancellationToken);
            }
            catch (ServiceUnavailableException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    /// <summary>Member i joins <paramref name="roomOf"/>(i), at most <paramref name="concurrency"/> joins at a time.</summary>
    public Task JoinAsync(Func<int, string> roomOf, int concurrency)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        return Parallel.ForAsync(0, Clients.Count, options, async (member, cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await Clients[member].JoinAsync(roomOf(member), timeout.Token);
        });
    }

    public ValueTask DisposeAsync() => new(CloseAsync(Clients));

    private static Task CloseAsync(IEnumerable<IChatClient?> clients) =>
        Task.WhenAll(clients.OfType<IChatClient>().Select(client => client.DisposeAsync().AsTask()));
}
