using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// One user of the randomized run, behaving as the protocol tells clients to: it connects to a ChatApi replica (now
/// and then with a fresh login, so uncached tokens meet the auth path), joins its rooms, sends with unique
/// clientMsgIds, and keeps every unacknowledged send to resend (after a refusal, or after reconnecting). When a
/// session ends (1012, a killed replica, anything) it reconnects, to either replica, backing off after a 503 or a
/// refused connect, and resumes every room with <c>since</c> = the last id it saw; now and then it also leaves a
/// healthy session to resume on a new one, so that new connects meet the outages as well, and leaves a room to join it
/// again with <c>since</c> (after a ping's pong: the server handles frames in order, so no message of the room can
/// follow the pong, and the rejoin neither repeats nor skips one).
/// </summary>
/// <remarks>
/// It records everything the checks need (what it saw, per room and session; every ack) and reports contract
/// violations it meets live to the <see cref="FaultRunLog"/>: a close with 1011, an HTTP 500 (or any other unexpected
/// status) from <c>/ws</c> or <c>/auth/token</c>, an ack that changes a message's id, a repeated or out-of-order
/// message. Its random choices come from its own <see cref="Random"/>, seeded from the run's seed.
/// </remarks>
public sealed class FaultRunClient
{
    /// <summary>
    /// A join that hangs on a store is answered after Chat:DependencyTimeout (3 s) per guarded call, and joins of one
    /// room on one replica queue behind each other: generous, and a timeout only makes the client reconnect.
    /// </summary>
    private static readonly TimeSpan JoinAnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A login that hangs (AuthService frozen) is abandoned after this; the old token is used.</summary>
    private static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan ReceiveForever = TimeSpan.FromHours(1);
    private const int MaxPending = 5;
    private const double LoginAgainChance = 0.25;
    private const double PreferredReplicaChance = 0.7;

    /// <summary>Per tick (~450 ms): leave the session and resume on a new one, so new connects meet the outages too.</summary>
    private const double ReconnectChance = 0.02;

    /// <summary>Per tick: leave one room and join it again on the next tick with <c>since</c> (the join seam, and a last member leaving, during the outages).</summary>
    private const double LeaveChance = 0.03;

    private readonly DistributedTopology _topology;
    private readonly FaultRunLog _log;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomView> _views;
    private readonly List<PendingSend> _pending = [];
    private readonly Dictionary<string, long> _acked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly int _preferredReplica;
    private TestUser _user;
    private string? _userId;
    private int _sequence;
    private int _session;
    private TimeSpan _slowestJoin;

    public FaultRunClient(string name, TestUser user, IReadOnlyList<string> rooms, int preferredReplica, int seed, DistributedTopology topology, FaultRunLog log)
    {
        Name = name;
        Rooms = rooms;
        _user = user;
        _preferredReplica = preferredReplica;
        _random = new Random(seed);
        _topology = topology;
        _log = log;
        _views = rooms.ToDictionary(room => room, _ => new RoomView(), StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyList<string> Rooms { get; }

    /// <summary>The user id the server put in <c>welcome</c> (the <c>sender_id</c> of this client's messages).</summary>
    public string? UserId
    {
        get
        {
            lock (_gate)
            {
                return _userId;
            }
        }
    }

    public int Sessions
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The longest a join took to be answered (joined or error).</summary>
    public TimeSpan SlowestJoin
    {
        get
        {
            lock (_gate)
            {
                return _slowestJoin;
            }
        }
    }

    public IReadOnlyDictionary<string, long> Acked
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_acked, StringComparer.Ordinal);
            }
        }
    }

    public IReadOnlyCollection<string> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>The unacknowledged sends, for a report.</summary>
    public IReadOnlyList<string> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Select(p => $"{p.ClientMsgId} ({p.Attempts} attempts)")];
            }
        }
    }

    public long LastSeen(string room)
    {
        lock (_gate)
        {
            return _views[room].LastSeen;
        }
    }

    /// <summary>What the client saw of <paramref name="room"/>; read it once the client has stopped.</summary>
    public RoomView ViewOf(string room) => _views[room];

    /// <summary>
    /// Queues one more message to each room. Sent after the faults, it makes every replica fill any gap a lost
    /// announcement left (a replica killed between ack and publish): the product's documented way to catch up.
    /// </summary>
    public void QueueFinalMessages()
    {
        lock (_gate)
        {
            foreach (var room in Rooms)
            {
                NewPending(room, "final");
            }
        }
    }

    /// <summary>Runs sessions one after another until <paramref name="stop"/>; new messages only until <paramref name="sending"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken sending, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await ConnectAsync(stop) is not { } socket)
            {
                return;
            }

            await RunSessionAsync(socket, sending, stop);
        }
    }

    private async Task<ChatSocket?> ConnectAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await MaybeLoginAgainAsync();
            int replica;
            TimeSpan backOff;
            lock (_gate)
            {
                replica = _random.NextDouble() < PreferredReplicaChance ? _preferredReplica : 1 - _preferredReplica;
                backOff = TimeSpan.FromMilliseconds(_random.Next(200, 1000));
            }

            try
            {
                var (socket, status, _) = await ChatSocket.TryConnectAsync(_topology.ChatApi[replica], _user.AccessToken);
                _log.Count($"/ws {(int)status}");
                if (socket is not null)
                {
                    return socket;
                }

                if (status != HttpStatusCode.ServiceUnavailable)
                {
                    _log.Violation($"{Name}: /ws on chatapi-{replica} answered {(int)status}");
                }
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException or OperationCanceledException or InvalidOperationException or KeyNotFoundException)
            {
                // Refused or reset (a replica or its port is down), or no answer within the client's 10 s.
                _log.Count($"/ws failed: {exception.GetType().Name}");
            }

            try
            {
                await Task.Delay(backOff, stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Sometimes logs in again for a fresh token: one no ChatApi replica has validated yet.</summary>
    private async Task MaybeLoginAgainAsync()
    {
        lock (_gate)
        {
            if (_random.NextDouble() >= LoginAgainChance)
            {
                return;
            }
        }

        try
        {
            // Disposing the client cancels a login that hangs.
            using var auth = new AuthClient(_topology.AuthService);
            using var response = await auth.SendTokenAsync(_user.Username, _user.Password).WaitAsync(LoginTimeout);
            _log.Count($"/auth/token {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var tokens = await response.Content.ReadFromJsonAsync<TokenSet>();
                _user = _user with { AccessToken = tokens!.AccessToken, RefreshToken = tokens.RefreshToken };
            }
            else if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                _log.Violation($"{Name}: /auth/token answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception exception) when (exception is TimeoutException or HttpRequestException or OperationCanceledException or InvalidOperationException or KeyNotFoundException)
        {
            _log.Count($"/auth/token failed: {exception.GetType().Name}");
        }
    }

    private async Task RunSessionAsync(ChatSocket socket, CancellationToken sending, CancellationToken stop)
    {
        int session;
        lock (_gate)
        {
            session = ++_session;
            foreach (var pending in _pending)
            {
                // Whatever was in flight on the last session is resent on this one.
                pending.InFlight = false;
                pending.NotBefore = TimeSpan.Zero;
            }
        }

        var joinAnswers = Channel.CreateUnbounded<JsonElement>();
        var pongs = Channel.CreateUnbounded<JsonElement>();
        var joinedHere = new HashSet<string>(StringComparer.Ordinal);
        var reader = Task.Run(() => ReadAsync(socket, session, joinAnswers.Writer, pongs.Writer));
        try
        {
            while (!stop.IsCancellationRequested && !reader.IsCompleted)
            {
                if (!await JoinMissingRoomsAsync(socket, joinedHere, joinAnswers.Reader))
                {
                    break;
                }

                foreach (var send in TakeSendable(joinedHere, allowNew: !sending.IsCancellationRequested))
                {
                    await socket.SendAsync(new { type = "send", room = send.Room, text = send.Text, clientMsgId = send.ClientMsgId });
                }

                TimeSpan tick;
                bool reconnect;
                string? leave = null;
                lock (_gate)
                {
                    tick = TimeSpan.FromMilliseconds(_random.Next(200, 700));
                    reconnect = _random.NextDouble() < ReconnectChance;
                    if (joinedHere.Count > 0 && _random.NextDouble() < LeaveChance)
                    {
                        leave = joinedHere.Order(StringComparer.Ordinal).ElementAt(_random.Next(joinedHere.Count));
                    }
                }

                if (leave is not null)
                {
                    if (!await LeaveAsync(socket, leave, pongs.Reader))
                    {
                        break;
                    }

                    // Joined again on the next tick, with since.
                    joinedHere.Remove(leave);
                }

                if (reconnect)
                {
                    _log.Count("reconnect by choice");
                    break;
                }

                await Task.Delay(tick, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The session broke while sending: the next one resends.
            _log.Count($"session send failed: {exception.GetType().Name}");
        }
        finally
        {
            try
            {
                await socket.DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // Closing raced the reader's receive; the socket is gone either way.
            }

            await reader.WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Joins, one at a time, the rooms this session is not in yet; false when the session should be given up.</summary>
    private async Task<bool> JoinMissingRoomsAsync(ChatSocket socket, HashSet<string> joinedHere, ChannelReader<JsonElement> answers)
    {
        foreach (var room in Rooms.Where(room => !joinedHere.Contains(room)).ToList())
        {
            long? since;
            lock (_gate)
            {
                since = _views[room].JoinPoint is null ? null : _views[room].LastSeen;
            }

            var stopwatch = Stopwatch.StartNew();
            await socket.SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since });
            JsonElement answer;
            try
            {
                answer = await answers.ReadAsync().AsTask().WaitAsync(JoinAnswerTimeout);
            }
            catch (TimeoutException)
            {
                _log.Event($"{Name}: join {room} unanswered after {JoinAnswerTimeout.TotalSeconds:0} s; reconnecting");
                _log.Count("join unanswered");
                return false;
            }
            catch (ChannelClosedException)
            {
                return false;
            }

            lock (_gate)
            {
                _slowestJoin = stopwatch.Elapsed > _slowestJoin ? stopwatch.Elapsed : _slowestJoin;
            }

            if (answer.Type() != "joined")
            {
                // store_unavailable: try again on the next tick.
                return true;
            }

            joinedHere.Add(answer.GetProperty("room").GetString()!);
        }

        return true;
    }

    /// <summary>Leaves <paramref name="room"/> and waits for a ping's pong; false when the session should be given up.</summary>
    private async Task<bool> LeaveAsync(ChatSocket socket, string room, ChannelReader<JsonElement> pongs)
    {
        var nonce = $"{Name}-leave-{room}-{_log.Now.Ticks}";
        await socket.SendAsync(new { type = "leave", room });
        await socket.SendAsync(new { type = "ping", nonce });
        try
        {
            while (true)
            {
                var pong = await pongs.ReadAsync().AsTask().WaitAsync(JoinAnswerTimeout);
                if (pong.GetProperty("nonce").GetString() == nonce)
                {
                    _log.Count("left a room");
                    return true;
                }
            }
        }
        catch (TimeoutException)
        {
            _log.Event($"{Name}: leave {room} unanswered after {JoinAnswerTimeout.TotalSeconds:0} s; reconnecting");
            _log.Count("leave unanswered");
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private List<PendingSend> TakeSendable(HashSet<string> joinedHere, bool allowNew)
    {
        lock (_gate)
        {
            var now = _log.Now;
            var ready = _pending.Where(p => !p.InFlight && p.NotBefore <= now && joinedHere.Contains(p.Room)).ToList();
            if (allowNew && _pending.Count < MaxPending)
            {
                var room = Rooms[_random.Next(Rooms.Count)];
                if (joinedHere.Contains(room))
                {
                    ready.Add(NewPending(room, "m"));
                }
            }

            foreach (var send in ready)
            {
                send.InFlight = true;
                if (++send.Attempts > 1)
                {
                    _log.Count("resend");
                }
            }

            return ready;
        }
    }

    private PendingSend NewPending(string room, string label)
    {
        var clientMsgId = $"{Name}-{++_sequence}";
        var pending = new PendingSend(clientMsgId, room, $"{label} {clientMsgId}");
        _pending.Add(pending);
        _sent.Add(clientMsgId);
        return pending;
    }

    private async Task ReadAsync(ChatSocket socket, int session, ChannelWriter<JsonElement> joinAnswers, ChannelWriter<JsonElement> pongs)
    {
        try
        {
            while (await socket.ReceiveAsync(ReceiveForever) is { } frame)
            {
                Handle(frame, session, joinAnswers, pongs);
            }

            var status = socket.CloseStatus;
            _log.Count($"close {(status is { } code ? ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}");
            if (status == WebSocketCloseStatus.InternalServerError)
            {
                _log.Violation($"{Name}: session {session} closed with 1011 ({socket.CloseDescription})");
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut off without a close (a killed replica), or closed by us.
            _log.Count($"session cut: {exception.GetType().Name}");
        }
        finally
        {
            joinAnswers.TryComplete();
            pongs.TryComplete();
        }
    }

    private void Handle(JsonElement frame, int session, ChannelWriter<JsonElement> joinAnswers, ChannelWriter<JsonElement> pongs)
    {
        var type = frame.Type();
        lock (_gate)
        {
            switch (type)
            {
                case "welcome":
                    var userId = frame.GetProperty("userId").GetString();
                    if (_userId is not null && _userId != userId)
                    {
                        _log.Violation($"{Name}: welcome as {userId}, earlier as {_userId}");
                    }

                    _userId = userId;
                    break;

                case "joined":
                    OnJoined(frame, session);
                    joinAnswers.TryWrite(frame);
                    break;

                case "message":
                    OnMessage(frame, session);
                    break;

                case "ack":
                    OnAck(frame);
                    break;

                case "error":
                    OnError(frame, joinAnswers);
                    break;

                case "pong":
                    pongs.TryWrite(frame);
                    break;

                default:
                    _log.Violation($"{Name}: unexpected frame {frame.GetRawText()}");
                    break;
            }
        }
    }

    private void OnJoined(JsonElement frame, int session)
    {
        var room = frame.GetProperty("room").GetString()!;
        var lastId = frame.GetProperty("lastId").GetInt64();
        var view = _views[room];
        if (view.JoinPoint is null)
        {
            // The first join: the page it shows came before this client; from lastId on, it must see everything.
            view.FirstJoined(lastId);
            return;
        }

        if (!frame.GetProperty("recovered").GetBoolean())
        {
            _log.Violation($"{Name}: session {session} resumed {room} since {view.LastSeen} without recovery");
        }

        foreach (var message in frame.Messages())
        {
            if (message.Id() <= view.LastSeen)
            {
                _log.Violation($"{Name}: session {session} replay of {room} repeats {message.Id()} (last seen {view.LastSeen})");
            }

            view.Received(session, message.Id());
        }

        view.Resumed(lastId);
        _log.Count("resumed with since");
    }

    private void OnMessage(JsonElement frame, int session)
    {
        var room = frame.GetProperty("room").GetString()!;
        if (!_views.TryGetValue(room, out var view))
        {
            _log.Violation($"{Name}: message of a room it never joined: {frame.GetRawText()}");
            return;
        }

        if (frame.Id() <= view.LastSeen)
        {
            _log.Violation($"{Name}: session {session} got {room} {frame.Id()} after {view.LastSeen} (repeat or out of order)");
        }

        view.Received(session, frame.Id());
    }

    private void OnAck(JsonElement frame)
    {
        var clientMsgId = frame.ClientMsgId()!;
        var id = frame.Id();
        if (_acked.TryGetValue(clientMsgId, out var earlier) && earlier != id)
        {
            _log.Violation($"{Name}: {clientMsgId} acknowledged as {id}, earlier as {earlier}");
        }

        _acked[clientMsgId] = id;
        _pending.RemoveAll(pending => pending.ClientMsgId == clientMsgId);
        _log.Count("ack");
    }

    private void OnError(JsonElement frame, ChannelWriter<JsonElement> joinAnswers)
    {
        var code = frame.GetProperty("code").GetString();
        var reference = frame.TryGetProperty("ref", out var value) ? value.GetString() : null;
        _log.Count($"error {code} ({(reference == "join" ? "join" : "send")})");
        if (reference == "join")
        {
            if (code != "store_unavailable")
            {
                _log.Violation($"{Name}: join refused with {frame.GetRawText()}");
            }

            joinAnswers.TryWrite(frame);
            return;
        }

        if (code is not ("store_unavailable" or "shutting_down"))
        {
            _log.Violation($"{Name}: unexpected error {frame.GetRawText()}");
        }

        if (_pending.Find(pending => pending.ClientMsgId == reference) is { } refused)
        {
            refused.InFlight = false;
            refused.NotBefore = _log.Now + TimeSpan.FromMilliseconds(_random.Next(300, 1000));
        }
    }
}
