using ChatApi.Agents.Tools;
using Microsoft.Extensions.AI;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>A tool under a real name whose behaviour the test chooses; records the arguments it was called with.</summary>
internal sealed class FakeTool(string name, Func<string, object?> behaviour, string parameter = "expression") : IAgentTool
{
    public string Name => name;

    public List<string> Calls { get; } = [];

    public AIFunction CreateFunction(AgentToolScope scope) => AIFunctionFactory.Create(
        (AIFunctionArguments arguments) =>
        {
            var value = arguments.TryGetValue(parameter, out var argument) ? argument?.ToString() ?? string.Empty : string.Empty;
            Calls.Add(value);
            return behaviour(value);
        },
        new AIFunctionFactoryOptions { Name = name, Description = $"Fake {name}." });
}
