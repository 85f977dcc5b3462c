using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatApi.Agents;

/// <summary>
/// Agent runs as spans (<c>agent.run</c>, and <c>agent.tool</c> per tool call) and metrics (runs by outcome, run
/// duration, tool calls, runs in flight), both named <c>ChatApi.Agents</c>; ServiceDefaults exports <c>ChatApi.*</c>.
/// </summary>
public sealed class AgentTelemetry
{
    public const string Name = "ChatApi.Agents";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _toolCalls;
    private readonly Histogram<double> _toolDuration;

    public AgentTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _started = meter.CreateCounter<long>("agent.runs.started", description: "Agent runs started");
        _completed = meter.CreateCounter<long>("agent.runs.completed", description: "Agent runs ended, by outcome");
        _rejected = meter.CreateCounter<long>("agent.runs.rejected", description: "Agent requests refused before a run started, by reason");
        _duration = meter.CreateHistogram<double>("agent.run.duration", unit: "ms", description: "From agent_started to the end of the run");
        _active = meter.CreateUpDownCounter<long>("agent.runs.active", description: "Agent runs in flight on this node");
        _toolCalls = meter.CreateCounter<long>("agent.tool.calls", description: "Tool invocations, by tool and outcome");
        _toolDuration = meter.CreateHistogram<double>("agent.tool.duration", unit: "ms", description: "Time one tool invocation took");
    }

    public void RunStarted()
    {
        _started.Add(1);
        _active.Add(1);
    }

    public void RunCompleted(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _active.Add(-1);
        _completed.Add(1, tag);
        _duration.Record(duration.TotalMilliseconds, tag);
    }

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ToolCalled(string tool, bool succeeded, TimeSpan duration)
    {
        var toolTag = new KeyValuePair<string, object?>("tool", tool);
        _toolCalls.Add(1, toolTag, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "error"));
        _toolDuration.Record(duration.TotalMilliseconds, toolTag);
    }
}
