using ChatApi.Protocol;
using ChatApi.Readiness;
using Npgsql;

namespace ChatApi.Messages;

/// <summary>
/// Reads of <c>chat.messages</c>: pages, ranges (replays, gap fills, catch-ups) and the agent's search. Each read is
/// guarded (<see cref="DependencyGuard"/>): refused at once while chatdb is known down, bounded while it hangs.
/// </summary>
public sealed class MessageStore(NpgsqlDataSource dataSource, DependencyGuard guard)
{
    private const string Columns = "room, id, sender_id, sender, text, sent_at, client_msg_id";

    /// <summary>The newest <paramref name="limit"/> messages with an id up to <paramref name="throughId"/>, oldest first.</summary>
    public Task<IReadOnlyList<StoredMessage>> GetLatestAsync(string room, int limit, long throughId, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT * FROM (SELECT {Columns} FROM chat.messages WHERE room = $1 AND id <= $2 ORDER BY id DESC LIMIT $3) page ORDER BY id",
            [room, throughId, limit],
            cancellationToken);

    /// <summary>
    /// Messages with <paramref name="afterId"/> &lt; id &lt;= <paramref name="throughId"/>, oldest first, at most
    /// <paramref name="limit"/>: a replay after <c>since</c>, a gap pub/sub skipped, a catch-up after a reconnect.
    /// </summary>
    public Task<IReadOnlyList<StoredMessage>> GetRangeAsync(string room, long afterId, long throughId, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM chat.messages WHERE room = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $4",
            [room, afterId, throughId, limit],
            cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages before <paramref name="beforeId"/> (or the newest), oldest first, and whether older ones exist.</summary>
    public async Task<(IReadOnlyList<StoredMessage> Messages, bool HasMore)> GetPageAsync(string room, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        var page = await QueryAsync(
            $"SELECT {Columns} FROM chat.messages WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            [room, beforeId ?? long.MaxValue, limit + 1],
            cancellationToken);
        var hasMore = page.Count > limit;
        return ([.. page.Take(limit).Reverse()], hasMore);
    }

    /// <summary>The highest stored id of a room, 0 when it has none.</summary>
    public Task<long> GetLastIdAsync(string room, CancellationToken cancellationToken) =>
        guard.RunAsync(DependencyChecks.Database, async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT COALESCE(MAX(id), 0) FROM chat.messages WHERE room = $1");
            command.Parameters.Add(new() { Value = room });
            return (long)(await command.ExecuteScalarAsync(token))!;
        }, cancellationToken);

    /// <summary>Newest messages of a room whose text contains <paramref name="term"/> (case-insensitive), oldest first.</summary>
    public Task<IReadOnlyList<StoredMessage>> SearchAsync(string room, string term, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT * FROM (SELECT {Columns} FROM chat.messages WHERE room = $1 AND strpos(lower(text), lower($2)) > 0 ORDER BY id DESC LIMIT $3) hits ORDER BY id",
            [room, term, limit],
            cancellationToken);

    private Task<IReadOnlyList<StoredMessage>> QueryAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        guard.RunAsync<IReadOnlyList<StoredMessage>>(DependencyChecks.Database, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new() { Value = parameter });
            }

            var messages = new List<StoredMessage>();
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                messages.Add(Read(reader));
            }

            return messages;
        }, cancellationToken);

    /// <summary>A message from the reader's columns <c>room, id, sender_id, sender, text, sent_at, client_msg_id</c>, from <paramref name="offset"/> on.</summary>
    internal static StoredMessage Read(NpgsqlDataReader reader, int offset = 0) => new(
        reader.GetString(offset),
        reader.GetInt64(offset + 1),
        reader.GetString(offset + 2),
        reader.GetString(offset + 3),
        reader.GetString(offset + 4),
        new DateTimeOffset(reader.GetDateTime(offset + 5), TimeSpan.Zero),
        reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6));
}
