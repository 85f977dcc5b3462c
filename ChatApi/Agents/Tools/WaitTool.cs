using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary>
/// <c>wait</c> (tests only, <see cref="AgentOptions.EnableTestTools"/>): does nothing for a while, so tests can hold a
/// run open to exercise time-outs, limits and cancellation.
/// </summary>
public sealed class WaitTool : IAgentTool
{
    public const string ToolName = "wait";
    public const int MaxSeconds = 120;

    private readonly TimeProvider _timeProvider;
    private readonly AIFunction _function;

    public WaitTool(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _function = AIFunctionFactory.Create(
            WaitAsync,
            new AIFunctionFactoryOptions
            {
                Name = ToolName,
                Description = "Waits the given number of seconds (test tool).",
                SerializerOptions = ToolJsonContext.FunctionOptions,
            });
    }

    public string Name => ToolName;

    public AIFunction CreateFunction(AgentToolScope scope) => _function;

    public async Task<Waited> WaitAsync([Description("Seconds to wait, 1-120")] int seconds, CancellationToken cancellationToken)
    {
        if (seconds is < 1 or > MaxSeconds)
        {
            throw new AgentToolException($"seconds must be between 1 and {MaxSeconds}");
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds), _timeProvider, cancellationToken);
        return new Waited(seconds);
    }

    public sealed record Waited(int Seconds);
}
