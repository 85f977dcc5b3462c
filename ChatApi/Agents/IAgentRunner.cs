using ChatApi.Protocol;

namespace ChatApi.Agents;

/// <summary>Runs the assistant for <c>agent</c> frames; its events go to the requester only.</summary>
public interface IAgentRunner
{
    /// <summary>Starts a run (or answers with an <c>error</c> frame); returns once the run is started, not finished.</summary>
    Task StartAsync(IAgentRequester requester, AgentRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels the requester's runs in <paramref name="room"/>, or all of them when null (disconnect).</summary>
    void CancelRuns(IAgentRequester requester, string? room);
}
