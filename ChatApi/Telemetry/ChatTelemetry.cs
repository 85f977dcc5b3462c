using System.Diagnostics;

namespace ChatApi.Telemetry;

/// <summary>The activity source of a message's path: receive → persist → publish → deliver.</summary>
public static class ChatTelemetry
{
    public const string Name = "ChatApi";

    public static readonly ActivitySource Source = new(Name);
}
