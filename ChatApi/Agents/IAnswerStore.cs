using ChatApi.Messages;

namespace ChatApi.Agents;

/// <summary>Stores a run's answer in its room as a message from the assistant, so every member sees it.</summary>
public interface IAnswerStore
{
    /// <summary>Completes once the answer is durable (or could not be stored); storing is idempotent per run.</summary>
    Task<StoreResult> StoreAsync(string room, string runId, string answer, CancellationToken cancellationToken);
}
