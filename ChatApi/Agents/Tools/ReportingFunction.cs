using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary>
/// Wraps a tool for one run: reports <c>tool_executing</c> before and <c>tool_completed</c> after each invocation,
/// with a span and metrics. A failed tool ends the run: the invocation loop is told to stop instead of asking the
/// model to recover, so a run's outcome is unambiguous and bounded.
/// </summary>
public sealed partial class ReportingFunction(AIFunction tool, AgentRun run, AgentTelemetry telemetry, TimeProvider timeProvider, ILogger logger)
    : DelegatingAIFunction(tool)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity("agent.tool");
        activity?.SetTag("gen_ai.tool.name", Name);
        activity?.SetTag("agent.run.id", run.RunId);

        run.ReportToolExecuting(Name, JsonSerializer.SerializeToElement(arguments, JsonSerializerOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        var started = timeProvider.GetTimestamp();
        try
        {
            var result = await base.InvokeCoreAsync(arguments, cancellationToken);
            telemetry.ToolCalled(Name, succeeded: true, timeProvider.GetElapsedTime(started));
            run.ReportToolCompleted(Name, ToJson(result, result?.GetType()));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is ending (cancelled or timed out); close the pair so clients never see a tool left open.
            telemetry.ToolCalled(Name, succeeded: false, timeProvider.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            run.ReportToolFailed(Name, "cancelled");
            throw;
        }
        catch (Exception exception)
        {
            var error = exception is AgentToolException ? exception.Message : "the tool failed unexpectedly";
            telemetry.ToolCalled(Name, succeeded: false, timeProvider.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, error);
            if (exception is AgentToolException)
            {
                LogToolRefused(logger, run.RunId, Name, error);
            }
            else
            {
                LogToolCrashed(logger, exception, run.RunId, Name);
            }

            run.ReportToolFailed(Name, error);
            if (FunctionInvokingChatClient.CurrentContext is { } invocation)
            {
                invocation.Terminate = true;
            }

            return $"Error: {error}";
        }
    }

    private JsonElement? ToJson(object? value, Type? type) => value switch
    {
        null => null,
        JsonElement element => element,
        _ => JsonSerializer.SerializeToElement(value, JsonSerializerOptions.GetTypeInfo(type!)),
    };

    [LoggerMessage(LogLevel.Information, "Agent run {RunId}: tool {Tool} refused: {Error}")]
    private static partial void LogToolRefused(ILogger logger, string runId, string tool, string error);

    [LoggerMessage(LogLevel.Warning, "Agent run {RunId}: tool {Tool} failed unexpectedly")]
    private static partial void LogToolCrashed(ILogger logger, Exception exception, string runId, string tool);
}
