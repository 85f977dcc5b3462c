using System.Diagnostics;
using System.Globalization;
using ChatApi.Agents.Tools;
using ChatApi.Messages;
using ChatApi.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApi.Agents;

/// <summary>
/// Admits, runs and cancels agent runs on this node. A run streams the model's response through function invocation;
/// reasoning becomes <c>agent_thinking</c>, tool calls become <c>tool_executing</c>/<c>tool_completed</c> (see
/// <see cref="ReportingFunction"/>), and the answer is stored in the room before <c>agent_completed</c> is sent.
/// Whatever happens, a run ends with one <c>agent_completed</c> (unless its requester is gone) and never throws into
/// the connection.
/// </summary>
public sealed partial class AgentRunner(
    IChatClient model,
    IEnumerable<IAgentTool> tools,
    IRoomHistory history,
    IAnswerStore answers,
    AgentTelemetry telemetry,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<AgentRunner> logger) : IAgentRunner
{
    private readonly IAgentTool[] _tools = [.. tools];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AgentRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _runsPerUser = new(StringComparer.Ordinal);
    private bool _stopping;

    /// <summary>Runs in flight on this node.</summary>
    public int ActiveRuns
    {
        get
        {
            lock (_gate)
            {
                return _runs.Count;
            }
        }
    }

    /// <summary>Starts a run and returns; or answers with an <c>error</c> frame (<c>not_joined</c>, <c>agent_busy</c>, <c>shutting_down</c>).</summary>
    public Task StartAsync(IAgentRequester requester, AgentRequest request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!requester.IsInRoom(request.Room))
        {
            return Reject(requester, ErrorCodes.NotJoined, $"Join room {request.Room} before asking the assistant there.");
        }

        AgentRun run;
        lock (_gate)
        {
            if (_stopping)
            {
                return Reject(requester, ErrorCodes.ShuttingDown, "This node is restarting; ask again after reconnecting.");
            }

            var userId = requester.User.UserId;
            var mine = _runsPerUser.GetValueOrDefault(userId);
            if (mine >= limits.MaxConcurrentRunsPerUser)
            {
                return Reject(requester, ErrorCodes.AgentBusy, $"At most {limits.MaxConcurrentRunsPerUser} assistant runs at once per user; wait for one to complete.");
            }

            if (_runs.Count >= limits.MaxConcurrentRunsPerNode)
            {
                return Reject(requester, ErrorCodes.AgentBusy, "The assistant is busy; ask again shortly.");
            }

            run = new AgentRun(Guid.NewGuid().ToString("N"), requester, request, limits.RunTimeout, timeProvider);
            _runs.Add(run.RunId, run);
            _runsPerUser[userId] = mine + 1;
        }

        telemetry.RunStarted();
        LogStarted(logger, run.RunId, run.Room, requester.User.UserId, requester.Id);
        LogPrompt(logger, run.RunId, run.Prompt);

        // agent_started is queued before the run can queue anything, so it is always the first event.
        run.ReportStarted();
        _ = Task.Run(() => ExecuteAsync(run), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Cancels <paramref name="requester"/>'s runs in <paramref name="room"/> (it left), or all of them when null (it is gone).</summary>
    public void CancelRuns(IAgentRequester requester, string? room)
    {
        var reason = room is null ? AgentCancelReason.Disconnected : AgentCancelReason.LeftRoom;
        AgentRun[] matching;
        lock (_gate)
        {
            matching = [.. _runs.Values.Where(run => ReferenceEquals(run.Requester, requester) && (room is null || string.Equals(run.Room, room, StringComparison.Ordinal)))];
        }

        // Outside the lock: cancelling may run the rest of a run inline, and its end takes the lock.
        foreach (var run in matching)
        {
            run.Cancel(reason);
        }
    }

    /// <summary>
    /// Graceful shutdown: refuses new runs, cancels every run in flight (each ends with <c>agent_completed</c>
    /// <c>shutting_down</c> while its socket is still open) and waits for them, at most <see cref="AgentOptions.ShutdownTimeout"/>.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        AgentRun[] runs;
        lock (_gate)
        {
            _stopping = true;
            runs = [.. _runs.Values];
        }

        if (runs.Length == 0)
        {
            return;
        }

        LogStopping(logger, runs.Length);
        foreach (var run in runs)
        {
            run.Cancel(AgentCancelReason.ShuttingDown);
        }

        try
        {
            await Task.WhenAll(runs.Select(run => run.Finished)).WaitAsync(options.Value.ShutdownTimeout, timeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            LogStopTimedOut(logger, runs.Count(run => !run.Finished.IsCompleted));
        }
    }

    private Task Reject(IAgentRequester requester, string code, string message)
    {
        telemetry.Rejected(code);
        requester.Enqueue(new ErrorFrame(code, message, "agent"), ChatJsonContext.Default.ErrorFrame);
        return Task.CompletedTask;
    }

    private async Task ExecuteAsync(AgentRun run)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity("agent.run");
        activity?.SetTag("agent.run.id", run.RunId);
        activity?.SetTag("chat.room", run.Room);
        activity?.SetTag("chat.connection.id", run.Requester.Id);

        string outcome;
        try
        {
            outcome = await AnswerAsync(run);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            outcome = EndCancelled(run);
        }
        catch (Exception exception)
        {
            // The model (or its endpoint) failed. Its message may carry endpoint details, so the client gets none.
            LogModelFailed(logger, exception, run.RunId);
            run.Fail(AgentCompletionCodes.ModelFailed, "The assistant's model failed; ask again later.");
            outcome = AgentCompletionCodes.ModelFailed;
        }
        finally
        {
            lock (_gate)
            {
                _runs.Remove(run.RunId);
                var userId = run.Requester.User.UserId;
                if (_runsPerUser.TryGetValue(userId, out var count) && count > 1)
                {
                    _runsPerUser[userId] = count - 1;
                }
                else
                {
                    _runsPerUser.Remove(userId);
                }
            }

            run.MarkFinished();
            run.Dispose();
        }

        var duration = timeProvider.GetElapsedTime(run.StartedAt);
        activity?.SetTag("agent.outcome", outcome);
        if (outcome != "success")
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        telemetry.RunCompleted(outcome, duration);
        LogCompleted(logger, run.RunId, outcome, duration.TotalMilliseconds);
    }

    /// <summary>Asks the model, stores the answer, reports the end. Returns the outcome (a metric tag).</summary>
    private async Task<string> AnswerAsync(AgentRun run)
    {
        var limits = options.Value;
        IReadOnlyList<Protocol.StoredMessage> recent = [];
        try
        {
            if (limits.ContextMessages > 0)
            {
                recent = await history.GetLatestAsync(run.Room, limits.ContextMessages, run.Token);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            LogStoreUnavailable(logger, run.RunId, exception.GetType().Name);
            run.Fail(AgentCompletionCodes.StoreUnavailable, "The message store is unavailable; ask again shortly.");
            return AgentCompletionCodes.StoreUnavailable;
        }

        var conversation = AgentConversation.Create(run.Room, run.Requester.User.Username, recent, run.Prompt);
        var scope = new AgentToolScope(run.Room, run.Requester.User.UserId);
        var chatOptions = new ChatOptions
        {
            ToolMode = ChatToolMode.Auto,
            Tools = [.. _tools.Select(tool => new ReportingFunction(tool.CreateFunction(scope), run, telemetry, timeProvider, logger))],
        };

        await foreach (var update in model.GetStreamingResponseAsync(conversation, chatOptions, run.Token))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent reasoning:
                        run.AppendReasoning(reasoning.Text);
                        break;
                    case TextContent text:
                        run.AppendText(text.Text);
                        break;
                }
            }
        }

        if (run.ToolFailure is { } failure)
        {
            run.Fail(AgentCompletionCodes.ToolFailed, failure);
            return AgentCompletionCodes.ToolFailed;
        }

        var answer = run.TakeAnswer();
        if (answer.Length == 0)
        {
            run.Fail(AgentCompletionCodes.NoAnswer, "The assistant gave no answer.");
            return AgentCompletionCodes.NoAnswer;
        }

        // Last point of no return: once handed to the store the answer will be stored, so cancelling stops here.
        run.Token.ThrowIfCancellationRequested();
        switch (await answers.StoreAsync(run.Room, run.RunId, answer, CancellationToken.None))
        {
            case StoreResult.Stored { Message: var message }:
                run.Complete(message.Text, message.Id);
                return "success";
            case StoreResult.Failed failed:
                LogStoreUnavailable(logger, run.RunId, failed.Reason);
                run.Fail(AgentCompletionCodes.StoreUnavailable, "The answer could not be stored; ask again shortly.");
                return AgentCompletionCodes.StoreUnavailable;
            case StoreResult.Refused refused:
                // A model may answer with content the store refuses (a NUL): the run failed, the room is unaffected.
                LogAnswerRefused(logger, run.RunId, refused.Code);
                run.Fail(AgentCompletionCodes.ModelFailed, "The assistant's answer could not be stored.");
                return AgentCompletionCodes.ModelFailed;
            default:
                throw new UnreachableException();
        }
    }

    private string EndCancelled(AgentRun run)
    {
        switch (run.CancelReason)
        {
            case AgentCancelReason.LeftRoom:
                run.Fail(AgentCompletionCodes.Cancelled, "cancelled");
                return AgentCompletionCodes.Cancelled;
            case AgentCancelReason.ShuttingDown:
                run.Fail(AgentCompletionCodes.ShuttingDown, "The node is restarting; ask again after reconnecting.");
                return AgentCompletionCodes.ShuttingDown;
            case AgentCancelReason.Disconnected:
                return "disconnected";
            default:
                var seconds = options.Value.RunTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                run.Fail(AgentCompletionCodes.Timeout, $"The assistant did not finish within {seconds} s.");
                return AgentCompletionCodes.Timeout;
        }
    }

    [LoggerMessage(LogLevel.Information, "Agent run {RunId} started in room {Room} for user {UserId} on connection {ConnectionId}")]
    private static partial void LogStarted(ILogger logger, string runId, string room, string userId, string connectionId);

    [LoggerMessage(LogLevel.Debug, "Agent run {RunId} prompt: {Prompt}")]
    private static partial void LogPrompt(ILogger logger, string runId, string prompt);

    [LoggerMessage(LogLevel.Information, "Agent run {RunId} ended: {Outcome} after {DurationMs} ms")]
    private static partial void LogCompleted(ILogger logger, string runId, string outcome, double durationMs);

    [LoggerMessage(LogLevel.Warning, "Agent run {RunId}: the model failed")]
    private static partial void LogModelFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(LogLevel.Warning, "Agent run {RunId}: the message store is unavailable ({Error})")]
    private static partial void LogStoreUnavailable(ILogger logger, string runId, string error);

    [LoggerMessage(LogLevel.Warning, "Agent run {RunId}: the message store refused the answer ({Code})")]
    private static partial void LogAnswerRefused(ILogger logger, string runId, string code);

    [LoggerMessage(LogLevel.Information, "Shutting down: cancelling {Count} agent runs")]
    private static partial void LogStopping(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "{Count} agent runs did not end within the shutdown timeout")]
    private static partial void LogStopTimedOut(ILogger logger, int count);
}
