using System.Diagnostics;

namespace ChatApi.Messages;

/// <summary>A queued send waiting for its batch: the message, the trace it came from, and who waits for the outcome.</summary>
internal sealed class PendingMessage(NewMessage message, ActivityContext origin)
{
    public NewMessage Message { get; } = message;

    public ActivityContext Origin { get; } = origin;

    public TaskCompletionSource<StoreResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StoreResult? Result => Completion.Task.IsCompleted ? Completion.Task.Result : null;

    public void Complete(StoreResult result) => Completion.TrySetResult(result);
}
