using ChatApi.Agents;
using ChatApi.Protocol;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>An in-memory room history.</summary>
internal sealed class FakeRoomHistory : IRoomHistory
{
    private readonly List<StoredMessage> _messages = [];

    /// <summary>Reads fail like a chatdb that does not answer.</summary>
    public bool Unavailable { get; set; }

    public void Add(string room, string sender, string text) =>
        _messages.Add(new StoredMessage(room, _messages.Count + 1, $"{sender}-id", sender, text, DateTimeOffset.UnixEpoch, null));

    public Task<IReadOnlyList<StoredMessage>> GetLatestAsync(string room, int limit, CancellationToken cancellationToken) => Unavailable
        ? Task.FromException<IReadOnlyList<StoredMessage>>(new TimeoutException("chatdb did not answer"))
        : Task.FromResult<IReadOnlyList<StoredMessage>>([.. _messages.Where(m => m.Room == room).TakeLast(limit)]);

    public Task<IReadOnlyList<StoredMessage>> SearchAsync(string room, string term, int limit, CancellationToken cancellationToken) => Unavailable
        ? Task.FromException<IReadOnlyList<StoredMessage>>(new TimeoutException("chatdb did not answer"))
        : Task.FromResult<IReadOnlyList<StoredMessage>>(
            [.. _messages.Where(m => m.Room == room && m.Text.Contains(term, StringComparison.OrdinalIgnoreCase)).TakeLast(limit)]);
}
