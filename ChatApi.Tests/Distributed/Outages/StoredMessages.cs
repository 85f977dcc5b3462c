using Npgsql;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>What chatdb holds for some rooms, read directly (<c>chat.messages</c>): the ground truth of the checks.</summary>
public static class StoredMessages
{
    public static async Task<IReadOnlyList<StoredRow>> ReadAsync(string chatDbConnectionString, IReadOnlyCollection<string> rooms)
    {
        await using var connection = new NpgsqlConnection(chatDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT room, id, sender_id, client_msg_id FROM chat.messages WHERE room = ANY($1) ORDER BY room, id",
            connection);
        command.Parameters.Add(new() { Value = rooms.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>The ids stored in <paramref name="room"/> after <paramref name="afterId"/>, ascending.</summary>
    public static async Task<IReadOnlyList<long>> IdsAfterAsync(string chatDbConnectionString, string room, long afterId) =>
    [
        .. (await ReadAsync(chatDbConnectionString, [room])).Where(row => row.Id > afterId).Select(row => row.Id),
    ];
}
