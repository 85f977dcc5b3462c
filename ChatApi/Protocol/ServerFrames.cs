using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatApi.Protocol;

// Server -> client frames. Each has its `type` first; property names are the contract's (camelCase).

public sealed record WelcomeFrame(string UserId, string Username, string ConnectionId, DateTimeOffset ExpiresAt)
{
    [JsonPropertyOrder(-1)]
    public string Type => "welcome";
}

public sealed record JoinedFrame(string Room, long LastId, bool Recovered, IReadOnlyList<StoredMessage> Messages)
{
    [JsonPropertyOrder(-1)]
    public string Type => "joined";
}

public sealed record AckFrame(string ClientMsgId, long Id)
{
    [JsonPropertyOrder(-1)]
    public string Type => "ack";
}

public sealed record HistoryFrame(string Room, IReadOnlyList<StoredMessage> Messages, bool HasMore)
{
    [JsonPropertyOrder(-1)]
    public string Type => "history";
}

public sealed record ErrorFrame(string Code, string Message, string? Ref)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}

public sealed record PongFrame(JsonElement? Nonce)
{
    [JsonPropertyOrder(-1)]
    public string Type => "pong";
}

/// <summary>A live message: a <see cref="StoredMessage"/> with its type.</summary>
public sealed record MessageFrame(string Room, long Id, string SenderId, string Sender, string Text, DateTimeOffset SentAt, string? ClientMsgId)
{
    [JsonPropertyOrder(-1)]
    public string Type => "message";

    public static MessageFrame From(StoredMessage message) =>
        new(message.Room, message.Id, message.SenderId, message.Sender, message.Text, message.SentAt, message.ClientMsgId);
}
