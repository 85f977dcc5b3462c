using System.Collections.Concurrent;
using ChatBench.Clients;

namespace ChatBench.Workload;

/// <summary>A sink for connections that carry no messages (idle, connect rate): only failures matter; the first few are kept.</summary>
internal class FailureLog : IDeliverySink
{
    private const int Kept = 5;
    private readonly ConcurrentQueue<string> _first = new();
    private long _count;

    public long Failures => Interlocked.Read(ref _count);

    /// <summary>"3 failures, first: closed by the server: 1013 ..."; empty when there were none.</summary>
    public string Summary => Failures == 0 ? string.Empty : $"{Failures} failures, first: {string.Join(" | ", _first)}";

    public virtual void Delivered(long sentTimestamp)
    {
    }

    public virtual void Acknowledged(long sentTimestamp)
    {
    }

    public void Failed(string reason)
    {
        if (Interlocked.Increment(ref _count) <= Kept)
        {
            _first.Enqueue(reason);
        }
    }
}
