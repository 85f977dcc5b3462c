using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChatApi.Agents;
using ChatApi.Auth;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>A connection as a run sees it: records every frame it is sent, in order.</summary>
internal sealed class FakeRequester(string userId = "user-1", string username = "alice", params string[] rooms) : IAgentRequester
{
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _frames = [];
    private readonly HashSet<string> _rooms = new(rooms.Length == 0 ? ["general"] : rooms, StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public AuthenticatedUser User { get; } = new(userId, username, "token-id", null, DateTimeOffset.MaxValue);

    public WebSocketCloseStatus? CloseStatus { get; set; }

    public IReadOnlyList<JsonElement> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public IReadOnlyList<string> Types => [.. Frames.Select(frame => frame.GetProperty("type").GetString()!)];

    public bool IsInRoom(string room)
    {
        lock (_gate)
        {
            return _rooms.Contains(room);
        }
    }

    public void Leave(string room)
    {
        lock (_gate)
        {
            _rooms.Remove(room);
        }
    }

    public void Enqueue<T>(T frame, JsonTypeInfo<T> typeInfo)
    {
        var element = JsonSerializer.SerializeToElement(frame, typeInfo);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _frames.Add(element);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits (in real time) until <paramref name="count"/> frames of <paramref name="type"/> arrived.</summary>
    public async Task<JsonElement> WaitForAsync(string type, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var matching = _frames.Where(frame => frame.GetProperty("type").GetString() == type).ToList();
                if (matching.Count >= count)
                {
                    return matching[count - 1];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {type} frame #{count} within 10 s; got: {string.Join(", ", Types)}");
            }
        }
    }
}
