using System.ComponentModel.DataAnnotations;

namespace ChatApi.Agents;

/// <summary>Limits and timings of agent runs (section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>Runs one user may have in flight on this node; one more is answered with <c>agent_busy</c>.</summary>
    [Range(1, 100)]
    public int MaxConcurrentRunsPerUser { get; set; } = 2;

    /// <summary>Runs in flight on this node, all users together; more are answered with <c>agent_busy</c>.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRunsPerNode { get; set; } = 64;

    /// <summary>A run still working after this long is cancelled and ends with an error.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Model turns that may request tools in one run; the last turn must answer.</summary>
    [Range(1, 20)]
    public int MaxToolRounds { get; set; } = 4;

    /// <summary>Latest messages of the room the model sees as context.</summary>
    [Range(0, 200)]
    public int ContextMessages { get; set; } = 20;

    /// <summary>Most messages <c>search_history</c> returns.</summary>
    [Range(1, 100)]
    public int SearchResultLimit { get; set; } = 10;

    /// <summary>How long shutdown waits for cancelled runs to send their <c>agent_completed</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Offers the <c>wait</c> tool (and the local model's <c>wait N</c> rule), which only makes a run slow on purpose:
    /// for tests of time-outs, limits and cancellation. Off in every real environment.
    /// </summary>
    public bool EnableTestTools { get; set; }
}
