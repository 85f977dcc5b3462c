using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// A chat session whose frames are read in the background as they arrive and kept, each with its arrival time, so a
/// test can wait for one frame (with a deadline) while others arrive, and afterwards check everything the session got.
/// </summary>
public sealed class SessionRecorder : IAsyncDisposable
{
    /// <summary>A receive is never cut short by the recorder: cancelling one aborts a ClientWebSocket.</summary>
    private static readonly TimeSpan ReceiveForever = TimeSpan.FromHours(1);

    private readonly ChatSocket _socket;
    private readonly Lock _gate = new();
    private readonly List<RecordedFrame> _frames = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    private SessionRecorder(ChatSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    public string Name { get; private init; } = string.Empty;

    /// <summary>The close code the server sent; null while open or when the connection was cut without one.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public bool IsOpen => _socket.State == WebSocketState.Open && !Ended;

    public bool Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>Every frame received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>The time on this session's clock (started when it connected).</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Connects (the upgrade must succeed), waits for the welcome frame and starts recording.</summary>
    public static async Task<SessionRecorder> ConnectAsync(Uri chatApi, string token, string name)
    {
        var socket = await ChatSocket.ConnectAsync(chatApi, token);
        var recorder = new SessionRecorder(socket) { Name = name };
        await recorder.WaitForAsync(frame => frame.Type() == "welcome", ChatSocket.DefaultTimeout);
        return recorder;
    }

    public Task SendAsync(object frame) => _socket.SendAsync(frame);

    /// <summary>Joins <paramref name="room"/> and returns the joined frame.</summary>
    public async Task<JsonElement> JoinAsync(string room, long? since = null)
    {
        var from = Count;
        await SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since });
        return (await WaitForAsync(frame => frame.Type() == "joined" && frame.GetProperty("room").GetString() == room, ChatSocket.DefaultTimeout, from)).Frame;
    }

    /// <summary>
    /// The first frame at index <paramref name="from"/> or later that matches; throws when none arrives within
    /// <paramref name="timeout"/> or the session ends first.
    /// </summary>
    public async Task<RecordedFrame> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout, int from = 0) =>
        await TryWaitForAsync(match, timeout, from)
        ?? throw new TimeoutException($"{Name}: no matching frame within {timeout.TotalSeconds:0.#} s (ended: {Ended}, close {CloseStatus}); got {Describe(from)}");

    /// <summary>The first frame at index <paramref name="from"/> or later that matches, or null at the deadline or end.</summary>
    public async Task<RecordedFrame?> TryWaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout, int from = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var index = from; index < _frames.Count; index++)
                {
                    if (match(_frames[index].Frame))
                    {
                        return _frames[index];
                    }
                }

                if (_ended)
                {
                    return null;
                }

                from = _frames.Count;
                changed = _changed.Task;
            }

            var remaining = timeout - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    /// <summary>How many frames have arrived: an index to wait from.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _frames.Count;
            }
        }
    }

    /// <summary>The ids of the <c>message</c> frames of <paramref name="room"/>, in arrival order.</summary>
    public IReadOnlyList<long> MessageIds(string room) =>
    [
        .. Frames.Where(recorded => recorded.Frame.Type() == "message" && recorded.Frame.GetProperty("room").GetString() == room)
            .Select(recorded => recorded.Frame.Id()),
    ];

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private string Describe(int from)
    {
        var frames = Frames;
        return string.Join(", ", frames.Skip(Math.Min(from, frames.Count)).Take(20).Select(recorded => recorded.Frame.GetRawText()[..Math.Min(160, recorded.Frame.GetRawText().Length)]));
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _socket.ReceiveAsync(ReceiveForever) is { } frame)
            {
                Record(new RecordedFrame(frame, _clock.Elapsed));
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut off (killed replica) or disposed: the session has ended either way.
        }
        finally
        {
            lock (_gate)
            {
                _ended = true;
                Signal();
            }
        }
    }

    private void Record(RecordedFrame frame)
    {
        lock (_gate)
        {
            _frames.Add(frame);
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
