namespace ChatApi.Agents.Tools;

/// <summary>
/// A tool could not do what was asked (bad input, unknown time zone, store unavailable). Its message is safe to show
/// the user; any other exception from a tool is reported without details.
/// </summary>
public sealed class AgentToolException : Exception
{
    public AgentToolException(string message)
        : base(message)
    {
    }

    public AgentToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
