using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// The sessions an outage scenario watches, all in one fresh room and open before the outage: Alice (the sender) and
/// Bob on ChatApi replica 0, Carol on replica 1. Each member's join point is its <c>joined</c> frame's <c>lastId</c>;
/// from there on it must receive every stored message of the room exactly once, in id order. Alice is also alone in a
/// side room, where she can send without touching the watched room (a message there would fill its gaps).
/// </summary>
public sealed class OutageScenario : IAsyncDisposable
{
    private readonly DistributedTopology _topology;
    private readonly Dictionary<SessionRecorder, long> _joinPoints = [];
    private int _sends;

    private OutageScenario(DistributedTopology topology, string room, TestUser alice, TestUser bob, TestUser carol)
    {
        _topology = topology;
        Room = room;
        SideRoom = $"{room}-side";
        AliceUser = alice;
        BobUser = bob;
        CarolUser = carol;
    }

    public string Room { get; }

    /// <summary>A room only Alice is in.</summary>
    public string SideRoom { get; }

    public TestUser AliceUser { get; }

    public TestUser BobUser { get; }

    public TestUser CarolUser { get; }

    public SessionRecorder Alice { get; private set; } = null!;

    public SessionRecorder Bob { get; private set; } = null!;

    public SessionRecorder Carol { get; private set; } = null!;

    public IReadOnlyList<SessionRecorder> Members => [Alice, Bob, Carol];

    /// <summary>Creates the users, connects and joins them, and sends one message every member receives (so each replica has its room subscription).</summary>
    public static async Task<OutageScenario> StartAsync(DistributedTopology topology, string name)
    {
        var scenario = new OutageScenario(
            topology,
            ChatFrames.NewRoom(name),
            await TestUser.CreateAsync(topology, "alice"),
            await TestUser.CreateAsync(topology, "bob"),
            await TestUser.CreateAsync(topology, "carol"));
        try
        {
            scenario.Alice = await scenario.JoinAsync(topology.ChatApi[0], scenario.AliceUser, "alice@chatapi-0");
            scenario.Bob = await scenario.JoinAsync(topology.ChatApi[0], scenario.BobUser, "bob@chatapi-0");
            scenario.Carol = await scenario.JoinAsync(topology.ChatApi[1], scenario.CarolUser, "carol@chatapi-1");
            await scenario.Alice.JoinAsync(scenario.SideRoom);

            var (warm, _) = await scenario.SendAsync("warm-up", ChatSocket.DefaultTimeout);
            Assert.Equal("ack", warm.Frame.Type());
            foreach (var member in scenario.Members)
            {
                await member.WaitForAsync(frame => frame.Type() == "message" && frame.Id() == warm.Frame.Id(), ChatSocket.DefaultTimeout);
            }

            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Alice sends a message (to the watched room unless <paramref name="room"/> says otherwise) and waits for its
    /// answer: the <c>ack</c> or the <c>error</c> that names its clientMsgId. Returns the answer and how long it took.
    /// </summary>
    public async Task<(RecordedFrame Answer, TimeSpan Elapsed)> SendAsync(string label, TimeSpan timeout, string? room = null)
    {
        var clientMsgId = $"{label}-{Interlocked.Increment(ref _sends)}";
        var from = Alice.Count;
        var stopwatch = Stopwatch.StartNew();
        await Alice.SendAsync(new { type = "send", room = room ?? Room, text = $"{label} from alice", clientMsgId });
        var answer = await Alice.WaitForAsync(frame => AnswersTo(frame, clientMsgId), timeout, from);
        return (answer, stopwatch.Elapsed);
    }

    /// <summary>Alice sends until one is acknowledged (the first answers may still be store_unavailable); returns when.</summary>
    public async Task<TimeSpan> SendUntilAcknowledgedAsync(string label, Stopwatch clock, TimeSpan within, string? room = null)
    {
        while (true)
        {
            var (answer, _) = await SendAsync(label, within, room);
            if (answer.Frame.Type() == "ack")
            {
                return clock.Elapsed;
            }

            Assert.Equal("store_unavailable", answer.Frame.GetProperty("code").GetString());
            Assert.True(clock.Elapsed < within, $"no send acknowledged within {within.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until every member has received everything chatdb holds for the room after its join point, then asserts
    /// each got exactly that: every stored message once, in id order, no gap, no duplicate. Returns how long it waited.
    /// </summary>
    public async Task<TimeSpan> AssertEveryMemberGotEveryStoredMessageAsync(TimeSpan within)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var member in Members)
        {
            var expected = await StoredMessages.IdsAfterAsync(_topology.ChatDbConnectionString, Room, _joinPoints[member]);
            if (expected.Count > 0)
            {
                var last = expected[^1];
                await member.TryWaitForAsync(frame => frame.Type() == "message" && frame.Id() >= last, within - stopwatch.Elapsed);
            }

            Assert.Equal(expected, member.MessageIds(Room));
        }

        return stopwatch.Elapsed;
    }

    /// <summary>No session was closed: an outage is answered with frames, never with a close (and never with 1011).</summary>
    public void AssertSessionsStayedOpen()
    {
        foreach (var member in Members)
        {
            Assert.NotEqual(WebSocketCloseStatus.InternalServerError, member.CloseStatus);
            Assert.True(member.IsOpen, $"{member.Name} ended (close {member.CloseStatus})");
        }
    }

    /// <summary>A ping answered proves the session still reads and writes.</summary>
    public static async Task AssertAnswersPingAsync(SessionRecorder session)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var from = session.Count;
        await session.SendAsync(new { type = "ping", nonce });
        await session.WaitForAsync(frame => frame.Type() == "pong" && frame.GetProperty("nonce").GetString() == nonce, ChatSocket.DefaultTimeout, from);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _joinPoints.Keys)
        {
            await member.DisposeAsync();
        }
    }

    private static bool AnswersTo(JsonElement frame, string clientMsgId) => frame.Type() switch
    {
        "ack" => frame.ClientMsgId() == clientMsgId,
        "error" => frame.TryGetProperty("ref", out var reference) && reference.GetString() == clientMsgId,
        _ => false,
    };

    private async Task<SessionRecorder> JoinAsync(Uri replica, TestUser user, string name)
    {
        var session = await SessionRecorder.ConnectAsync(replica, user.AccessToken, name);
        var joined = await session.JoinAsync(Room);
        _joinPoints[session] = joined.GetProperty("lastId").GetInt64();
        return session;
    }
}
