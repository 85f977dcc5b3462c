using System.Net.WebSockets;
using System.Text.Json.Serialization.Metadata;
using ChatApi.Auth;

namespace ChatApi.Agents;

/// <summary>
/// What a run needs from whoever asked for it (a chat connection): who it is, whether it is still in the room, a way
/// to send it frames, and whether it is gone. Lets runs be tested without sockets.
/// </summary>
public interface IAgentRequester
{
    string Id { get; }

    AuthenticatedUser User { get; }

    /// <summary>Null while the session is open; once set, nothing sent reaches the client any more.</summary>
    WebSocketCloseStatus? CloseStatus { get; }

    bool IsInRoom(string room);

    /// <summary>Queues a frame for this client only; never blocks.</summary>
    void Enqueue<T>(T frame, JsonTypeInfo<T> typeInfo);
}
