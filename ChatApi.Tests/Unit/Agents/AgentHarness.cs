using ChatApi.Agents;
using ChatApi.Agents.Models;
using ChatApi.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.Agents;

/// <summary>An <see cref="AgentRunner"/> as production wires it (local model behind function invocation), on fakes.</summary>
internal sealed class AgentHarness : IDisposable
{
    public AgentHarness(AgentOptions? options = null, IChatClient? model = null, params IAgentTool[] tools)
    {
        Timers = new TimerTrackingTimeProvider(Time);
        Options = options ?? new AgentOptions();
        Tools = tools.Length > 0
            ? tools
            : [new CalculateTool(), new CurrentTimeTool(Timers), new SearchHistoryTool(History, Microsoft.Extensions.Options.Options.Create(Options)), new WaitTool(Timers)];
        Runner = new AgentRunner(
            new FunctionInvokingChatClient(model ?? new LocalChatModel()) { MaximumIterationsPerRequest = Options.MaxToolRounds },
            Tools,
            History,
            Answers,
            new AgentTelemetry(Meters),
            Microsoft.Extensions.Options.Options.Create(Options),
            Timers,
            NullLogger<AgentRunner>.Instance);
    }

    public TestMeterFactory Meters { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    /// <summary>What the runner and tools are given: <see cref="Time"/>, telling when timers start.</summary>
    public TimerTrackingTimeProvider Timers { get; }

    public FakeRoomHistory History { get; } = new();

    public FakeAnswerStore Answers { get; } = new();

    public AgentOptions Options { get; }

    public IReadOnlyList<IAgentTool> Tools { get; }

    public AgentRunner Runner { get; }

    public Task AskAsync(FakeRequester requester, string prompt, string room = "general") =>
        Runner.StartAsync(requester, new Protocol.AgentRequest(room, prompt), CancellationToken.None);

    /// <summary>Advances the clock once <paramref name="waits"/> <c>wait</c> tool delays of that length have started.</summary>
    public async Task AdvanceAsync(TimeSpan by, int waits = 1)
    {
        await Timers.WaitForTimersAsync(by, waits);
        Time.Advance(by);
    }

    /// <summary>Waits until no run is in flight (the runner's bookkeeping is done after the last event).</summary>
    public async Task IdleAsync()
    {
        for (var i = 0; i < 500 && Runner.ActiveRuns > 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, Runner.ActiveRuns);
    }

    public void Dispose() => Meters.Dispose();
}
