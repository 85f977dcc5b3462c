using ChatApi.Agents;
using ChatApi.Messages;
using ChatApi.Protocol;
using ChatApi.Rooms;
using ChatApi.Telemetry;
using Microsoft.Extensions.Options;

namespace ChatApi.Connections;

/// <summary>What every chat session uses, resolved once per node.</summary>
public sealed record ChatSessionServices(
    IOptions<ChatApiOptions> Options,
    ClientFrameParser Parser,
    MessageStore Store,
    MessageWriter Writer,
    RoomHub Rooms,
    IAgentRunner Agents,
    ChatTelemetry Telemetry,
    TimeProvider TimeProvider,
    ILogger<ChatConnection> Logger);
