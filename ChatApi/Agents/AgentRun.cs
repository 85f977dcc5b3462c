using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChatApi.Protocol;

namespace ChatApi.Agents;

/// <summary>
/// One run: its identity, its cancellation (the requester leaving or going away, shutdown, the time-out) and its event
/// stream. Events are sent from the run's own flow only, so they reach the requester in order; the first
/// <c>agent_completed</c> is the last frame, and nothing is sent to a requester that is gone.
/// </summary>
public sealed class AgentRun : IDisposable
{
    // Never disposed: Cancel may race with the end of the run, and a CTS without timer or wait handle holds nothing.
    private readonly CancellationTokenSource _cancel = new();
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _thinking = new();
    private readonly StringBuilder _text = new();
    private int _cancelReason = -1;
    private int _completed;

    public AgentRun(string runId, IAgentRequester requester, AgentRequest request, TimeSpan timeout, TimeProvider timeProvider)
    {
        RunId = runId;
        Requester = requester;
        Room = request.Room;
        Prompt = request.Prompt;
        StartedAt = timeProvider.GetTimestamp();
        _timeout = new CancellationTokenSource(timeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token, _timeout.Token);
    }

    public string RunId { get; }

    public IAgentRequester Requester { get; }

    public string Room { get; }

    public string Prompt { get; }

    public long StartedAt { get; }

    /// <summary>Cancelled when the run must stop: from outside (<see cref="CancelReason"/>) or by its time-out.</summary>
    public CancellationToken Token => _linked.Token;

    public AgentCancelReason? CancelReason => _cancelReason < 0 ? null : (AgentCancelReason)_cancelReason;

    public bool TimedOut => _timeout.IsCancellationRequested && CancelReason is null;

    /// <summary>The first tool failure; a failed tool ends the run with an error.</summary>
    public string? ToolFailure { get; private set; }

    /// <summary>Completes when the run has ended and sent (or given up sending) its last event.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Requests cancellation; the first reason wins. Safe at any time, also after the run ended.</summary>
    public void Cancel(AgentCancelReason reason)
    {
        if (Interlocked.CompareExchange(ref _cancelReason, (int)reason, -1) == -1)
        {
            _cancel.Cancel();
        }
    }

    public void ReportStarted() => Send(new AgentStartedFrame(RunId, Room, Prompt), ChatJsonContext.Default.AgentStartedFrame);

    /// <summary>The model's reasoning: always sent as <c>agent_thinking</c> before the run's next event.</summary>
    public void AppendReasoning(string text) => _thinking.Append(text);

    /// <summary>The model's text: the answer if no tool call follows it, otherwise thinking aloud.</summary>
    public void AppendText(string text) => _text.Append(text);

    public void ReportToolExecuting(string tool, JsonElement input)
    {
        // Text the model wrote before deciding to call a tool was not its answer: it was thinking aloud.
        if (_text.Length > 0)
        {
            _thinking.Append(_thinking.Length > 0 ? "\n" : string.Empty).Append(_text);
            _text.Clear();
        }

        FlushThinking();
        Send(new ToolExecutingFrame(RunId, Room, tool, input), ChatJsonContext.Default.ToolExecutingFrame);
    }

    public void ReportToolCompleted(string tool, JsonElement? output) =>
        Send(new ToolCompletedFrame(RunId, Room, tool, output, Error: null), ChatJsonContext.Default.ToolCompletedFrame);

    public void ReportToolFailed(string tool, string error)
    {
        ToolFailure ??= $"{tool} failed: {error}";
        Send(new ToolCompletedFrame(RunId, Room, tool, Output: null, error), ChatJsonContext.Default.ToolCompletedFrame);
    }

    /// <summary>The answer so far (the text since the last tool call); pending reasoning is sent first.</summary>
    public string TakeAnswer()
    {
        FlushThinking();
        var answer = _text.ToString().Trim();
        _text.Clear();
        return answer;
    }

    public void Complete(string text, long messageId) =>
        End(new AgentCompletedFrame(RunId, Room, text, messageId, Error: null, Code: null));

    public void Fail(string code, string error)
    {
        FlushThinking();
        End(new AgentCompletedFrame(RunId, Room, Text: null, MessageId: null, error, code));
    }

    public void MarkFinished() => _finished.TrySetResult();

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }

    private void FlushThinking()
    {
        var thinking = _thinking.ToString().Trim();
        _thinking.Clear();
        if (thinking.Length > 0)
        {
            Send(new AgentThinkingFrame(RunId, Room, thinking), ChatJsonContext.Default.AgentThinkingFrame);
        }
    }

    private void End(AgentCompletedFrame frame)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            Deliver(frame, ChatJsonContext.Default.AgentCompletedFrame);
        }
    }

    // Nothing after agent_completed.
    private void Send<T>(T frame, JsonTypeInfo<T> typeInfo)
    {
        if (Volatile.Read(ref _completed) == 0)
        {
            Deliver(frame, typeInfo);
        }
    }

    private void Deliver<T>(T frame, JsonTypeInfo<T> typeInfo)
    {
        // A requester that is gone gets nothing (its queue is closed anyway; this keeps the intent explicit).
        if (CancelReason == AgentCancelReason.Disconnected || Requester.CloseStatus is not null)
        {
            return;
        }

        Requester.Enqueue(frame, typeInfo);
    }
}
