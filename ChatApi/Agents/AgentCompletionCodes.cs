namespace ChatApi.Agents;

/// <summary>Stable <c>code</c> values of a failed <c>agent_completed</c> (its <c>error</c> is the readable text).</summary>
public static class AgentCompletionCodes
{
    public const string Cancelled = "cancelled";
    public const string Timeout = "timeout";
    public const string ShuttingDown = "shutting_down";
    public const string ToolFailed = "tool_failed";
    public const string ModelFailed = "model_failed";
    public const string NoAnswer = "no_answer";
    public const string StoreUnavailable = "store_unavailable";
}
