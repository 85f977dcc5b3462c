namespace ChatApi.Agents.Models;

/// <summary>The local model's decision for a prompt: a tool call with its arguments, or none (answer from the room).</summary>
public sealed record LocalPlan(string Thinking, string? Tool, IReadOnlyDictionary<string, object?> Arguments)
{
    public static LocalPlan Call(string tool, string thinking, string argument, object? value) =>
        new(thinking, tool, new Dictionary<string, object?>(StringComparer.Ordinal) { [argument] = value });

    public static LocalPlan Call(string tool, string thinking) =>
        new(thinking, tool, new Dictionary<string, object?>(StringComparer.Ordinal));

    public static LocalPlan NoTool(string thinking) =>
        new(thinking, Tool: null, new Dictionary<string, object?>(StringComparer.Ordinal));
}
