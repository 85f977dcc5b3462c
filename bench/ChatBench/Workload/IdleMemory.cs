using ChatBench.Systems;

namespace ChatBench.Workload;

/// <summary>Resident memory per idle connection: the growth of the connection-holding processes' RSS with N open connections, ÷ N.</summary>
internal static class IdleMemory
{
    public static async Task<IdleMemoryResult> MeasureAsync(IChatSystem system, int connections, int concurrency)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = system.ConnectionHolders.Sum(group => group.RssKiB());
        var failures = new FailureLog();
        await using (var pool = await ClientPool.ConnectAsync(system, connections, concurrency, failures))
        {
            // Let the servers finish what the connects started (allocations settle, timers armed) before reading.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var after = system.ConnectionHolders.Sum(group => group.RssKiB());
            return new IdleMemoryResult(connections, before, after, failures.Summary);
        }
    }
}
