using Microsoft.Extensions.Time.Testing;

namespace ChatApi.Tests.Unit.AuthPath;

internal static class FakeClock
{
    /// <summary>
    /// Waits for <paramref name="task"/>, moving the fake clock on in small steps whenever it is waiting on a timer
    /// (retry back-off, attempt timeout): the pipeline's timers run on the fake clock only.
    /// </summary>
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider clock, Task<T> task, TimeSpan? step = null, int maxSteps = 400)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted)
            {
                clock.Advance(step ?? TimeSpan.FromMilliseconds(25));
            }
        }

        Assert.True(task.IsCompleted, "the call did not complete while the fake clock was driven.");
        return await task;
    }

    /// <summary>
    /// Moves the clock on in small steps, letting continuations run between them: one big jump would fire an
    /// attempt timeout and the total timeout together, which real time never does.
    /// </summary>
    public static async Task AdvanceGraduallyAsync(this FakeTimeProvider clock, TimeSpan total, TimeSpan? step = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(50);
        for (var moved = TimeSpan.Zero; moved < total; moved += by)
        {
            clock.Advance(by);
            await Task.Delay(5);
        }
    }

    public static Task<T> DriveAsync<T>(this FakeTimeProvider clock, ValueTask<T> task, TimeSpan? step = null) =>
        clock.DriveAsync(task.AsTask(), step);
}
