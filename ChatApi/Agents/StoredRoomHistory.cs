using ChatApi.Messages;
using ChatApi.Protocol;

namespace ChatApi.Agents;

/// <summary>The room history in chatdb.</summary>
public sealed class StoredRoomHistory(MessageStore store) : IRoomHistory
{
    public Task<IReadOnlyList<StoredMessage>> GetLatestAsync(string room, int limit, CancellationToken cancellationToken) =>
        store.GetLatestAsync(room, limit, long.MaxValue, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> SearchAsync(string room, string term, int limit, CancellationToken cancellationToken) =>
        store.SearchAsync(room, term, limit, cancellationToken);
}
