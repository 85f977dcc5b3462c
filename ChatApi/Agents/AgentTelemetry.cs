using System.Diagnostics;

namespace ChatApi.Agents;

/// <summary>The activity source of agent runs: a span per run (<c>agent.run</c>) and per tool call (<c>agent.tool</c>).</summary>
public static class AgentTelemetry
{
    /// <summary>Also the meter's name; ServiceDefaults exports <c>ChatApi.*</c>.</summary>
    public const string Name = "ChatApi.Agents";

    public static readonly ActivitySource Source = new(Name);
}
