using System.Text.Json.Serialization;
using ChatApi.Protocol;

namespace ChatApi.Rooms;

/// <summary>What goes over a room's Redis channel: the stored message and the trace it belongs to.</summary>
public sealed record RoomEnvelope(StoredMessage Message, string? TraceParent);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RoomEnvelope))]
internal sealed partial class RoomEnvelopeJsonContext : JsonSerializerContext;
