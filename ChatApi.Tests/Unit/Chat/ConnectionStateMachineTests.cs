using ChatApi.Connections;
using ChatApi.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatApi.Tests.Unit.Chat;

public sealed class ConnectionStateMachineTests
{
    private static ConnectionStateMachine Create(out ChatTelemetry metrics)
    {
        metrics = new ChatTelemetry(new TestMeterFactory());
        return new ConnectionStateMachine("c1", metrics, NullLogger.Instance);
    }

    [Fact]
    public void A_session_walks_connecting_authenticated_open_closing_closed()
    {
        var machine = Create(out _);

        Assert.True(machine.TryMove(ConnectionState.Authenticated, "token"));
        Assert.True(machine.TryMove(ConnectionState.Open, "upgraded"));
        Assert.True(machine.TryMove(ConnectionState.Closing, "bye"));
        Assert.True(machine.TryMove(ConnectionState.Closed, "done"));
        Assert.Equal(ConnectionState.Closed, machine.State);
    }

    [Fact]
    public void Moving_to_the_current_state_again_is_not_a_transition()
    {
        var machine = Create(out _);
        machine.TryMove(ConnectionState.Authenticated, "token");
        machine.TryMove(ConnectionState.Open, "upgraded");
        machine.TryMove(ConnectionState.Closing, "first close");

        Assert.False(machine.TryMove(ConnectionState.Closing, "second close"));
    }

    [Fact]
    public void A_conditional_move_happens_only_from_the_state_it_names()
    {
        var machine = Create(out _);
        machine.TryMove(ConnectionState.Authenticated, "token");

        // Asked before the upgrade: nothing to do yet, and no exception.
        Assert.False(machine.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, "revoked"));
        Assert.Equal(ConnectionState.Authenticated, machine.State);

        machine.TryMove(ConnectionState.Open, "upgraded");
        Assert.True(machine.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, "session ended"));
        Assert.False(machine.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, "a second close"));
        Assert.True(machine.TryMove(ConnectionState.Closed, "done"));
        Assert.False(machine.TryMoveFrom(ConnectionState.Open, ConnectionState.Closing, "too late"));
        Assert.Equal(ConnectionState.Closed, machine.State);
    }

    public static TheoryData<ConnectionState, ConnectionState> IllegalTransitions()
    {
        var data = new TheoryData<ConnectionState, ConnectionState>();
        foreach (var from in Enum.GetValues<ConnectionState>())
        {
            foreach (var to in Enum.GetValues<ConnectionState>())
            {
                if (from != to && !ConnectionStateMachine.IsAllowed(from, to))
                {
                    data.Add(from, to);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Every_other_transition_is_a_bug_and_throws(ConnectionState from, ConnectionState to)
    {
        var machine = Create(out _);
        foreach (var step in PathTo(from))
        {
            machine.TryMove(step, "setup");
        }

        Assert.Throws<InvalidOperationException>(() => machine.TryMove(to, "illegal"));
        Assert.Equal(from, machine.State);
    }

    [Fact]
    public void The_transition_table_has_exactly_the_documented_edges()
    {
        var edges = Enum.GetValues<ConnectionState>()
            .SelectMany(from => Enum.GetValues<ConnectionState>().Where(to => ConnectionStateMachine.IsAllowed(from, to)).Select(to => $"{from}->{to}"))
            .ToHashSet();

        Assert.Equal(
            new HashSet<string> { "Connecting->Authenticated", "Connecting->Closed", "Authenticated->Open", "Authenticated->Closed", "Open->Closing", "Closing->Closed" },
            edges);
    }

    private static ConnectionState[] PathTo(ConnectionState state) => state switch
    {
        ConnectionState.Connecting => [],
        ConnectionState.Authenticated => [ConnectionState.Authenticated],
        ConnectionState.Open => [ConnectionState.Authenticated, ConnectionState.Open],
        ConnectionState.Closing => [ConnectionState.Authenticated, ConnectionState.Open, ConnectionState.Closing],
        ConnectionState.Closed => [ConnectionState.Closed],
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
