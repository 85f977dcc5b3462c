namespace ChatApi.Agents;

/// <summary>Why a run was cancelled from outside (its time-out is told apart by the run itself).</summary>
public enum AgentCancelReason
{
    /// <summary>The user left the room: the run ends with <c>agent_completed {error:"cancelled"}</c>.</summary>
    LeftRoom,

    /// <summary>The connection is gone: nothing can be sent any more.</summary>
    Disconnected,

    /// <summary>The node is shutting down: the run ends with an error before the socket closes with 1012.</summary>
    ShuttingDown,
}
