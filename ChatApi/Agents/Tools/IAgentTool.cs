using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary>A tool the model may call. A run asks each tool for a function bound to the run's room and user.</summary>
public interface IAgentTool
{
    /// <summary>The function name the model sees (snake_case, stable: clients see it in <c>tool_*</c> events).</summary>
    string Name { get; }

    AIFunction CreateFunction(AgentToolScope scope);
}
