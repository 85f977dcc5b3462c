using System.Collections.Concurrent;
using ChatApi.Agents;
using ChatApi.Messages;
using ChatApi.Protocol;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>Stores answers in memory, or fails like an unavailable chatdb.</summary>
internal sealed class FakeAnswerStore : IAnswerStore
{
    private long _lastId = 100;

    public ConcurrentQueue<StoredMessage> Stored { get; } = new();

    public bool Unavailable { get; set; }

    public Task<StoreResult> StoreAsync(string room, string runId, string answer, CancellationToken cancellationToken)
    {
        if (Unavailable)
        {
            return Task.FromResult<StoreResult>(new StoreResult.Failed("The message store is unavailable."));
        }

        var message = new StoredMessage(room, Interlocked.Increment(ref _lastId), ChatAnswerStore.Sender, ChatAnswerStore.Sender, answer, DateTimeOffset.UnixEpoch, $"agent:{runId}");
        Stored.Enqueue(message);
        return Task.FromResult<StoreResult>(new StoreResult.Stored(message, Duplicate: false));
    }
}
