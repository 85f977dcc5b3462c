using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatApi.Protocol;

// Server -> client frames of an agent run, sent to the requesting connection only, in this order:
// agent_started, then per model step an optional agent_thinking and the step's tool_executing/tool_completed pairs,
// then agent_completed (always last, with `error` when the run failed). `input` and `output` are JSON values: the
// tool's arguments as an object and its result as the tool returned it, so clients need not parse nested strings.

public sealed record AgentStartedFrame(string RunId, string Room, string Prompt)
{
    [JsonPropertyOrder(-1)]
    public string Type => "agent_started";
}

public sealed record AgentThinkingFrame(string RunId, string Room, string Text)
{
    [JsonPropertyOrder(-1)]
    public string Type => "agent_thinking";
}

public sealed record ToolExecutingFrame(string RunId, string Room, string Tool, JsonElement Input)
{
    [JsonPropertyOrder(-1)]
    public string Type => "tool_executing";
}

/// <summary>A tool's outcome: <paramref name="Output"/> when it succeeded, <paramref name="Error"/> when it failed.</summary>
public sealed record ToolCompletedFrame(string RunId, string Room, string Tool, JsonElement? Output, string? Error)
{
    [JsonPropertyOrder(-1)]
    public string Type => "tool_completed";
}

/// <summary>
/// The end of a run: the answer <paramref name="Text"/> and the id of the <c>message</c> it was stored as; or, when
/// the run failed, a readable <paramref name="Error"/> and a stable <paramref name="Code"/> (<c>cancelled</c>,
/// <c>timeout</c>, <c>tool_failed</c>, ...; see docs/agents.md).
/// </summary>
public sealed record AgentCompletedFrame(string RunId, string Room, string? Text, long? MessageId, string? Error, string? Code)
{
    [JsonPropertyOrder(-1)]
    public string Type => "agent_completed";
}
