using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Npgsql;

namespace ChatApi.Tests.Distributed.Chat;

public sealed class ChatFailoverTopology : TopologyFixture;

/// <summary>
/// Replicas die (SIGKILL) or restart (SIGTERM) under load. Clients reconnect to the surviving replica, rejoin with
/// <c>since</c> and resend what was not acknowledged: every acknowledged message arrives exactly once.
/// </summary>
public sealed class ChatFailoverTests(ChatFailoverTopology fixture) : IClassFixture<ChatFailoverTopology>
{
    private const int MessageCount = 40;

    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task Killing_a_replica_while_clients_send_loses_no_acknowledged_message()
    {
        try
        {
            await RunFailoverAsync(crash: true);
        }
        finally
        {
            await RestartVictimAsync();
        }
    }

    [Fact]
    public async Task A_graceful_restart_closes_sessions_with_1012_after_acknowledging_what_it_received()
    {
        try
        {
            var closeStatus = await RunFailoverAsync(crash: false);
            Assert.Equal((WebSocketCloseStatus)1012, closeStatus);
        }
        finally
        {
            await RestartVictimAsync();
        }
    }

    /// <summary>The next test starts with both replicas, whatever this one did.</summary>
    private async Task RestartVictimAsync()
    {
        if (!await IsServingAsync(Topology.ChatApi[0]))
        {
            await Topology.StartAsync("chatapi-0");
        }
    }

    private static async Task<bool> IsServingAsync(Uri replica)
    {
        try
        {
            return (await HealthProbe.GetAsync(replica, "/alive")).StatusCode == System.Net.HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<WebSocketCloseStatus?> RunFailoverAsync(bool crash)
    {
        var room = ChatFrames.NewRoom(crash ? "crash" : "restart");
        var sender = await TestUser.CreateAsync(Topology, "sender");
        var observerUser = await TestUser.CreateAsync(Topology, "observer");
        await using var observer = await ChatSocket.ConnectAsync(Topology.ChatApi[1], observerUser.AccessToken);
        await observer.JoinAsync(room);

        // The sender talks through replica 0, which goes away mid-stream.
        var victim = await ChatSocket.ConnectAsync(Topology.ChatApi[0], sender.AccessToken);
        await victim.JoinAsync(room);
        var acked = new ConcurrentDictionary<string, long>();
        var seen = new ConcurrentDictionary<long, string>();
        var sent = 0;
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await victim.ReceiveAsync(TimeSpan.FromSeconds(30)) is { } frame)
                {
                    switch (frame.Type())
                    {
                        case "ack":
                            acked[frame.ClientMsgId()!] = frame.Id();
                            break;
                        case "message":
                            Assert.True(seen.TryAdd(frame.Id(), frame.ClientMsgId()!), $"message {frame.Id()} delivered twice");
                            break;
                    }
                }
            }
            catch (WebSocketException)
            {
                // Killed: no close frame.
            }
        });

        for (; sent < MessageCount; sent++)
        {
            if (sent == MessageCount / 2)
            {
                // Stop or kill while sends are still in flight, once some are acknowledged (on a loaded machine the
                // first acks can take a while; 10 s is a generous bound, not a measurement).
                var acksSeen = System.Diagnostics.Stopwatch.StartNew();
                while (acked.IsEmpty && acksSeen.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(20);
                }

                _ = crash ? Topology.KillAsync("chatapi-0") : Topology.StopAsync("chatapi-0");
            }

            try
            {
                await victim.SendAsync(new { type = "send", room, text = $"m{sent}", clientMsgId = $"c{sent}" });
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                break;
            }

            await Task.Delay(20);
        }

        await reading;
        var closeStatus = victim.CloseStatus;
        await victim.DisposeAsync();
        Assert.NotEmpty(acked);

        // Reconnect to the survivor, resume from the last message seen, resend everything not acknowledged.
        await using var resumed = await ChatSocket.ConnectAsync(Topology.ChatApi[1], sender.AccessToken);
        var since = seen.IsEmpty ? 0 : seen.Keys.Max();
        var joined = await resumed.JoinAsync(room, since);
        Assert.True(joined.GetProperty("recovered").GetBoolean());
        foreach (var message in joined.Messages())
        {
            Assert.True(seen.TryAdd(message.Id(), message.ClientMsgId()!), $"message {message.Id()} replayed although already seen");
        }

        var resent = Enumerable.Range(0, MessageCount).Select(i => $"c{i}").Where(id => !acked.ContainsKey(id)).ToList();
        foreach (var clientMsgId in resent)
        {
            await resumed.SendAsync(new { type = "send", room, text = $"m{clientMsgId[1..]}", clientMsgId });
        }

        var resentAcks = new Dictionary<string, long>();
        while (resentAcks.Count < resent.Count)
        {
            var frame = await resumed.ReceiveAsync() ?? throw new InvalidOperationException("closed while resending");
            if (frame.Type() == "ack")
            {
                resentAcks[frame.ClientMsgId()!] = frame.Id();
            }
            else if (frame.Type() == "message")
            {
                Assert.True(seen.TryAdd(frame.Id(), frame.ClientMsgId()!), $"message {frame.Id()} delivered twice after resuming");
            }
        }

        // Every message of the conversation is now acknowledged, stored once, and seen once by the sender.
        var stored = await StoredAsync(room);
        Assert.Equal(MessageCount, stored.Count);
        Assert.Equal(Enumerable.Range(0, MessageCount).Select(i => $"c{i}").Order(), stored.Values.Order());
        foreach (var (clientMsgId, id) in acked.Concat(resentAcks))
        {
            Assert.Equal(clientMsgId, stored[id]);
        }

        // The observer on the surviving replica saw every message exactly once, in id order.
        var observed = new List<JsonElement>();
        while (observed.Count < MessageCount)
        {
            observed.Add((await observer.ReceiveUntilAsync("message")).Frame);
        }

        Assert.Equal(stored.Keys.Order(), observed.Select(frame => frame.Id()));
        return closeStatus;
    }

    private async Task<Dictionary<long, string>> StoredAsync(string room)
    {
        await using var connection = new NpgsqlConnection(Topology.ChatDbConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, client_msg_id FROM chat.messages WHERE room = $1", connection);
        command.Parameters.Add(new() { Value = room });
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<long, string>();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetInt64(0), reader.GetString(1));
        }

        return stored;
    }
}
