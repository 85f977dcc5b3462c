using ChatApi.Protocol;

namespace ChatApi.Agents;

/// <summary>What the assistant reads from a room: its latest messages (context) and messages containing a term.</summary>
public interface IRoomHistory
{
    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    Task<IReadOnlyList<StoredMessage>> GetLatestAsync(string room, int limit, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> messages containing <paramref name="term"/> (case-insensitive), oldest first.</summary>
    Task<IReadOnlyList<StoredMessage>> SearchAsync(string room, string term, int limit, CancellationToken cancellationToken);
}
