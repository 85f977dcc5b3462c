using System.Text.Json;

namespace ChatApi.Protocol;

// Client -> server frames, after parsing and validation.

public abstract record ClientFrame(string Type);

public sealed record JoinRequest(string Room, long? Since) : ClientFrame("join");

public sealed record LeaveRequest(string Room) : ClientFrame("leave");

public sealed record SendRequest(string Room, string Text, string ClientMsgId) : ClientFrame("send");

public sealed record HistoryRequest(string Room, long? Before, int Limit) : ClientFrame("history");

public sealed record AgentRequest(string Room, string Prompt) : ClientFrame("agent");

public sealed record PingRequest(JsonElement? Nonce) : ClientFrame("ping");
