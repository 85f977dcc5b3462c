using ChatApi.Telemetry;

namespace ChatApi.Connections;

/// <summary>
/// Every state change of a connection goes through <see cref="TryMove"/>: the one place that knows which
/// transitions exist, and that logs and counts them. Asking for any other transition is a bug and throws.
/// </summary>
public sealed partial class ConnectionStateMachine(string connectionId, ChatTelemetry telemetry, ILogger logger)
{
    private static readonly Dictionary<ConnectionState, ConnectionState[]> Allowed = new()
    {
        [ConnectionState.Connecting] = [ConnectionState.Authenticated, ConnectionState.Closed],
        [ConnectionState.Authenticated] = [ConnectionState.Open, ConnectionState.Closed],
        [ConnectionState.Open] = [ConnectionState.Closing],
        [ConnectionState.Closing] = [ConnectionState.Closed],
        [ConnectionState.Closed] = [],
    };

    private readonly Lock _gate = new();
    private ConnectionState _state = ConnectionState.Connecting;

    public ConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public static bool IsAllowed(ConnectionState from, ConnectionState to) => Allowed[from].Contains(to);

    /// <summary>Moves to <paramref name="to"/>; false when already there (a close can be asked for twice).</summary>
    /// <exception cref="InvalidOperationException">The transition does not exist: a bug.</exception>
    public bool TryMove(ConnectionState to, string reason) => Move(onlyFrom: null, to, reason);

    /// <summary>
    /// Moves from <paramref name="from"/> to <paramref name="to"/> only if the connection is in <paramref name="from"/>,
    /// in one step: a close requested on another thread (revocation, shutdown) can never slip in between the check and
    /// the move.
    /// </summary>
    public bool TryMoveFrom(ConnectionState from, ConnectionState to, string reason) => Move(from, to, reason);

    private bool Move(ConnectionState? onlyFrom, ConnectionState to, string reason)
    {
        ConnectionState from;
        lock (_gate)
        {
            from = _state;
            if (from == to || (onlyFrom is { } required && from != required))
            {
                return false;
            }

            if (!IsAllowed(from, to))
            {
                throw new InvalidOperationException($"Connection {connectionId}: illegal transition {from} -> {to} ({reason}).");
            }

            _state = to;
        }

        telemetry.Transition(from.ToString(), to.ToString());
        LogTransition(logger, connectionId, from, to, reason);
        return true;
    }

    [LoggerMessage(LogLevel.Debug, "Connection {ConnectionId}: {From} -> {To} ({Reason})")]
    private static partial void LogTransition(ILogger logger, string connectionId, ConnectionState from, ConnectionState to, string reason);
}
