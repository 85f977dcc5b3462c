using System.Text.Json.Serialization;

namespace ChatApi.Protocol;

/// <summary>Source-generated serialisation of every server frame (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WelcomeFrame))]
[JsonSerializable(typeof(JoinedFrame))]
[JsonSerializable(typeof(AckFrame))]
[JsonSerializable(typeof(HistoryFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(PongFrame))]
[JsonSerializable(typeof(MessageFrame))]
[JsonSerializable(typeof(StoredMessage))]
[JsonSerializable(typeof(AgentStartedFrame))]
[JsonSerializable(typeof(AgentThinkingFrame))]
[JsonSerializable(typeof(ToolExecutingFrame))]
[JsonSerializable(typeof(ToolCompletedFrame))]
[JsonSerializable(typeof(AgentCompletedFrame))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
