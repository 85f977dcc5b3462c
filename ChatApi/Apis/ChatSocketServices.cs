using ChatApi.Auth;
using ChatApi.Connections;
using ChatApi.Hosting;
using ChatApi.Readiness;
using ChatApi.Telemetry;

namespace ChatApi.Apis;

/// <summary>The services <c>GET /ws</c> needs, bound with <c>[AsParameters]</c>.</summary>
public sealed record ChatSocketServices(
    ReadinessState Readiness,
    OriginPolicy Origins,
    ITokenValidator Tokens,
    ConnectionRegistry Registry,
    ChatSessionServices Session,
    ChatTelemetry Telemetry,
    ILogger<ChatConnection> Logger);
