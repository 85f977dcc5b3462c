using System.Text.Json;
using Npgsql;

namespace ChatApi.Tests.Distributed.Chat;

/// <summary>The protocol's guarantees with real clients on two ChatApi replicas, real PostgreSQL and Redis.</summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class ChatFlowTests(SharedTopologyFixture fixture)
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task A_session_starts_with_a_welcome_naming_the_user_and_the_token_expiry()
    {
        var user = await TestUser.CreateAsync(Topology);
        await using var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[0], user.AccessToken);

        var welcome = await socket.WelcomeAsync();

        Assert.Equal(user.UserId, welcome.GetProperty("userId").GetString());
        Assert.Equal(user.Username, welcome.GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(welcome.GetProperty("connectionId").GetString()));
        Assert.True(welcome.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Members_on_different_replicas_receive_every_message_once_in_id_order()
    {
        var room = ChatFrames.NewRoom();
        await using var alice = await ConnectAsync(0, room);
        await using var bob = await ConnectAsync(1, room);

        for (var i = 0; i < 15; i++)
        {
            await alice.SendAsync(new { type = "send", room, text = $"alice {i}", clientMsgId = $"a-{i}" });
            await bob.SendAsync(new { type = "send", room, text = $"bob {i}", clientMsgId = $"b-{i}" });
        }

        var seenByAlice = await CollectAsync(alice, room, 30);
        var seenByBob = await CollectAsync(bob, room, 30);

        foreach (var seen in new[] { seenByAlice, seenByBob })
        {
            Assert.Equal(30, seen.Messages.Select(m => m.ClientMsgId()).Distinct().Count());
            ChatFrames.AssertStrictlyIncreasing(seen.Messages.Select(m => m.Id()));
        }

        Assert.Equal(seenByAlice.Messages.Select(m => m.Id()), seenByBob.Messages.Select(m => m.Id()));
        // Each sender's acks name the ids the room assigned, and a sender's messages keep their sending order.
        Assert.Equal(15, seenByAlice.Acks.Count);
        Assert.All(seenByAlice.Acks, ack => Assert.Contains(seenByAlice.Messages, m => m.Id() == ack.Id() && m.ClientMsgId() == ack.ClientMsgId()));
        ChatFrames.AssertStrictlyIncreasing(seenByAlice.Messages.Where(m => m.ClientMsgId()!.StartsWith("a-", StringComparison.Ordinal)).Select(m => long.Parse(m.ClientMsgId()![2..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_stored_message_whose_publish_never_came_is_delivered_from_chatdb_in_order_and_an_unused_id_holds_nothing()
    {
        var room = ChatFrames.NewRoom("gap");
        await using var alice = await ConnectAsync(0, room);
        await using var bob = await ConnectAsync(1, room);
        await alice.SendAsync(new { type = "send", room, text = "first", clientMsgId = "g-1" });
        Assert.Equal(1, (await CollectAsync(bob, room, 1)).Messages.Single().Id());
        await CollectAsync(alice, room, 1);

        // As if a replica died between its commit and its publish (id 3), after a resend had left id 2 unused.
        await using (var connection = new NpgsqlConnection(Topology.ChatDbConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                WITH allocated AS (UPDATE chat.rooms SET last_id = last_id + 2 WHERE name = $1 RETURNING last_id)
                INSERT INTO chat.messages (room, id, sender_id, sender, text, client_msg_id, sent_at)
                SELECT $1, last_id, 'ghost', 'ghost', 'never published', 'ghost-1', now() FROM allocated
                """,
                connection);
            command.Parameters.Add(new() { Value = room });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await alice.SendAsync(new { type = "send", room, text = "fourth", clientMsgId = "g-4" });

        // Each replica holds id 4 for the missing ids, finds 3 in chatdb (2 was never used) and delivers both in order.
        foreach (var member in new[] { alice, bob })
        {
            var (fourth, before) = await member.ReceiveUntilAsync("message", frame => frame.GetProperty("text").GetString() == "fourth");
            List<JsonElement> messages = [.. before.Where(frame => frame.Type() == "message"), fourth];
            Assert.Equal([3L, 4L], messages.Select(m => m.Id()));
            Assert.Equal("never published", messages[0].GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task Acks_name_the_stored_message_when_one_batch_spans_many_rooms()
    {
        var rooms = Enumerable.Range(0, 5).Select(_ => ChatFrames.NewRoom("multi")).ToList();
        await using var alice = await ConnectAsync(0, room: null);
        foreach (var room in rooms)
        {
            await alice.JoinAsync(room);
        }

        // Interleaved and fast: the writer drains them into batches that mix every room.
        for (var i = 0; i < 8; i++)
        {
            foreach (var room in rooms)
            {
                await alice.SendAsync(new { type = "send", room, text = $"{room} {i}", clientMsgId = $"{room}/{i}" });
            }
        }

        var acks = new Dictionary<string, long>();
        var messages = new Dictionary<string, (string Room, long Id)>();
        while (acks.Count < 40 || messages.Count < 40)
        {
            var frame = await alice.ReceiveAsync() ?? throw new InvalidOperationException($"closed: {alice.CloseStatus}");
            if (frame.Type() == "ack")
            {
                acks.Add(frame.ClientMsgId()!, frame.Id());
            }
            else if (frame.Type() == "message")
            {
                messages.Add(frame.ClientMsgId()!, (frame.GetProperty("room").GetString()!, frame.Id()));
            }
        }

        var stored = await StoredAsync(rooms);
        foreach (var (clientMsgId, id) in acks)
        {
            var room = clientMsgId.Split('/')[0];
            Assert.Equal((room, id), messages[clientMsgId]);
            Assert.Equal(clientMsgId, stored[(room, id)]);
        }

        // Within each room, one sender's messages are numbered in the order they were sent.
        foreach (var room in rooms)
        {
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), Enumerable.Range(0, 8).Select(i => acks[$"{room}/{i}"]));
        }
    }

    [Fact]
    public async Task A_resend_with_the_same_client_msg_id_is_acknowledged_with_the_same_id_and_stored_once()
    {
        var room = ChatFrames.NewRoom();
        var aliceUser = await TestUser.CreateAsync(Topology);
        await using var alice = await ConnectAsync(0, room, aliceUser);
        await using var bob = await ConnectAsync(1, room);

        await alice.SendAsync(new { type = "send", room, text = "once", clientMsgId = "dup-1" });
        await alice.SendAsync(new { type = "send", room, text = "once", clientMsgId = "dup-1" });
        var first = (await alice.ReceiveUntilAsync("ack")).Frame;
        var second = (await alice.ReceiveUntilAsync("ack")).Frame;
        // Later, from the other replica, after a reconnect: still the same message.
        await using var again = await ConnectAsync(1, room, aliceUser);
        await again.SendAsync(new { type = "send", room, text = "once", clientMsgId = "dup-1" });
        var third = (await again.ReceiveUntilAsync("ack")).Frame;

        Assert.Equal(first.Id(), second.Id());
        Assert.Equal(first.Id(), third.Id());
        await bob.SendAsync(new { type = "send", room, text = "marker", clientMsgId = "marker" });
        var (_, before) = await bob.ReceiveUntilAsync("message", frame => frame.ClientMsgId() == "marker");
        Assert.Single(before, frame => frame.Type() == "message" && frame.ClientMsgId() == "dup-1");
        Assert.Equal(1L, await CountStoredAsync(room, "dup-1"));
    }

    [Fact]
    public async Task Rejoining_with_since_replays_exactly_what_was_missed_and_then_goes_live_without_gap_or_duplicate()
    {
        var room = ChatFrames.NewRoom();
        await using var alice = await ConnectAsync(0, room);

        // Alice keeps talking while Bob joins mid-stream on the other replica with since = 0.
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await alice.SendAsync(new { type = "send", room, text = $"m{i}", clientMsgId = $"s-{i}" });
                await Task.Delay(15);
            }
        });
        await Task.Delay(150);
        var bobUser = await TestUser.CreateAsync(Topology);
        await using var bob = await ChatSocket.ConnectAsync(Topology.ChatApi[1], bobUser.AccessToken);
        var joined = await bob.JoinAsync(room, since: 0);
        await sending;
        await alice.SendAsync(new { type = "send", room, text = "last", clientMsgId = "s-last" });

        var replayed = joined.Messages().Select(m => m.Id()).ToList();
        var live = new List<long>();
        while (true)
        {
            var frame = (await bob.ReceiveUntilAsync("message")).Frame;
            live.Add(frame.Id());
            if (frame.ClientMsgId() == "s-last")
            {
                break;
            }
        }

        Assert.True(joined.GetProperty("recovered").GetBoolean());
        Assert.Equal(joined.GetProperty("lastId").GetInt64(), replayed.Count > 0 ? replayed[^1] : 0);
        var all = replayed.Concat(live).ToList();
        // No message ids are wasted here (no resends), so the room's ids are exactly 1..41: no gap, no duplicate.
        Assert.Equal(Enumerable.Range(1, 41).Select(i => (long)i), all);
    }

    [Fact]
    public async Task Join_with_an_old_since_beyond_the_recovery_limit_gets_the_latest_page_and_history_fetches_the_rest()
    {
        var room = ChatFrames.NewRoom();
        await SeedAsync(room, 1105);
        await using var bob = await ConnectAsync(1, room: null);

        var joined = await bob.JoinAsync(room, since: 3);

        Assert.False(joined.GetProperty("recovered").GetBoolean());
        Assert.Equal(Enumerable.Range(1056, 50).Select(i => (long)i), joined.Messages().Select(m => m.Id()));
        Assert.Equal(1105, joined.GetProperty("lastId").GetInt64());

        await bob.SendAsync(new { type = "history", room, before = 1056, limit = 200 });
        var history = (await bob.ReceiveUntilAsync("history")).Frame;
        Assert.Equal(Enumerable.Range(856, 200).Select(i => (long)i), history.Messages().Select(m => m.Id()));
        Assert.True(history.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task History_pages_backwards_in_ascending_order_until_there_is_no_more()
    {
        var room = ChatFrames.NewRoom();
        await SeedAsync(room, 7);
        await using var bob = await ConnectAsync(0, room: null);

        var pages = new List<(List<long> Ids, bool HasMore)>();
        long? before = null;
        do
        {
            await bob.SendAsync(before is null ? new { type = "history", room, limit = 3 } : (object)new { type = "history", room, before, limit = 3 });
            var frame = (await bob.ReceiveUntilAsync("history")).Frame;
            var ids = frame.Messages().Select(m => m.Id()).ToList();
            pages.Add((ids, frame.GetProperty("hasMore").GetBoolean()));
            before = ids.FirstOrDefault();
        }
        while (pages[^1].HasMore);

        Assert.Equal([[5, 6, 7], [2, 3, 4], [1]], pages.Select(page => page.Ids.ToArray()));
    }

    [Fact]
    public async Task Requests_with_bad_fields_get_an_error_frame_and_the_session_goes_on()
    {
        var room = ChatFrames.NewRoom();
        await using var alice = await ConnectAsync(0, room);

        await alice.SendAsync(new { type = "send", room, text = new string('x', 4001), clientMsgId = "long" });
        var tooLong = (await alice.ReceiveUntilAsync("error")).Frame;
        await alice.SendAsync(new { type = "send", room = "elsewhere", text = "hi", clientMsgId = "nj" });
        var notJoined = (await alice.ReceiveUntilAsync("error")).Frame;
        await alice.SendAsync(new { type = "ping", nonce = "still-here" });
        var pong = (await alice.ReceiveUntilAsync("pong")).Frame;

        Assert.Equal("text_too_long", tooLong.GetProperty("code").GetString());
        Assert.Equal("long", tooLong.GetProperty("ref").GetString());
        Assert.Equal("not_joined", notJoined.GetProperty("code").GetString());
        Assert.Equal("nj", notJoined.GetProperty("ref").GetString());
        Assert.Equal("still-here", pong.GetProperty("nonce").GetString());
    }

    private async Task<ChatSocket> ConnectAsync(int replica, string? room, TestUser? user = null)
    {
        user ??= await TestUser.CreateAsync(Topology);
        var socket = await ChatSocket.ConnectAsync(Topology.ChatApi[replica], user.AccessToken);
        await socket.WelcomeAsync();
        if (room is not null)
        {
            await socket.JoinAsync(room);
        }

        return socket;
    }

    private static async Task<(List<JsonElement> Messages, List<JsonElement> Acks)> CollectAsync(ChatSocket socket, string room, int count)
    {
        var messages = new List<JsonElement>();
        var acks = new List<JsonElement>();
        while (messages.Count < count)
        {
            var frame = await socket.ReceiveAsync() ?? throw new InvalidOperationException($"closed: {socket.CloseStatus}");
            switch (frame.Type())
            {
                case "message" when frame.GetProperty("room").GetString() == room:
                    messages.Add(frame);
                    break;
                case "ack":
                    acks.Add(frame);
                    break;
            }
        }

        // Acks may trail the last message frame.
        while (acks.Count < messages.Count / 2 && await socket.ReceiveAsync() is { } late)
        {
            if (late.Type() == "ack")
            {
                acks.Add(late);
            }
        }

        return (messages, acks);
    }

    /// <summary>Stores messages directly, as a history would look after a long absence.</summary>
    private async Task SeedAsync(string room, int count)
    {
        await using var connection = new NpgsqlConnection(Topology.ChatDbConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new(
                    """
                    INSERT INTO chat.messages (room, id, sender_id, sender, text, client_msg_id, sent_at)
                    SELECT $1, i, 'seed', 'seed', 'seed ' || i, 'seed-' || $1 || '-' || i, now() FROM generate_series(1, $2) AS i
                    """)
                {
                    Parameters = { new() { Value = room }, new() { Value = (long)count } },
                },
                new("INSERT INTO chat.rooms (name, last_id) VALUES ($1, $2)")
                {
                    Parameters = { new() { Value = room }, new() { Value = (long)count } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync();
    }

    private async Task<Dictionary<(string Room, long Id), string>> StoredAsync(IReadOnlyList<string> rooms)
    {
        await using var connection = new NpgsqlConnection(Topology.ChatDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT room, id, client_msg_id FROM chat.messages WHERE room = ANY($1)", connection);
        command.Parameters.Add(new() { Value = rooms.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<(string Room, long Id), string>();
        while (await reader.ReadAsync())
        {
            stored.Add((reader.GetString(0), reader.GetInt64(1)), reader.GetString(2));
        }

        return stored;
    }

    private async Task<long> CountStoredAsync(string room, string clientMsgId)
    {
        await using var connection = new NpgsqlConnection(Topology.ChatDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM chat.messages WHERE room = $1 AND client_msg_id = $2", connection);
        command.Parameters.Add(new() { Value = room });
        command.Parameters.Add(new() { Value = clientMsgId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
