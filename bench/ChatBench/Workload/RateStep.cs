using System.Diagnostics;
using System.Globalization;
using ChatBench.Clients;
using ChatBench.Measurement;
using ChatBench.Systems;

namespace ChatBench.Workload;

/// <summary>
/// One step of the workload at a fixed rate per member: fresh connections in fresh rooms, every member sending on its
/// own schedule (members spread evenly over the send interval), then a drain, CPU measured from the first send to the
/// end of the drain.
/// </summary>
internal static class RateStep
{
    private static int s_steps;

    public static async Task<StepResult> RunAsync(IChatSystem system, WorkloadShape shape, double ratePerMember)
    {
        var step = Interlocked.Increment(ref s_steps);
        var recorder = new StepRecorder();
        await using var pool = await ClientPool.ConnectAsync(
            system, shape.Connections, shape.ConnectConcurrency, recorder, shape.RoomsOnOneReplica ? member => member / shape.RoomSize : null);
        string RoomOf(int member) => string.Create(CultureInfo.InvariantCulture, $"bench-{step}-{member / shape.RoomSize}");
        await pool.JoinAsync(RoomOf, shape.ConnectConcurrency);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        var perMember = Math.Max(1, (int)Math.Round(ratePerMember * shape.StepDuration.TotalSeconds));
        var interval = (long)(Stopwatch.Frequency / ratePerMember);
        var cpu = CpuMeter.Start(system.Processes);
        var start = Stopwatch.GetTimestamp();
        var giveUp = start + (long)((shape.StepDuration + shape.SendOverrun).TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(pool.Clients.Select((client, member) => Task.Run(() =>
            SendOnScheduleAsync(client, RoomOf(member), step, member, start + interval * member / shape.Connections, interval, perMember, giveUp, recorder))));
        var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var scheduled = (long)perMember * shape.Connections;
        var expected = scheduled * shape.RoomSize;
        var drainUntil = Stopwatch.GetTimestamp() + (long)(shape.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < drainUntil
            && (recorder.DeliveredCount < expected || (system.Acknowledges && recorder.AcknowledgedCount < recorder.Sent)))
        {
            await Task.Delay(20);
        }

        var usage = cpu.Stop();
        var delivered = recorder.DeliveredCount;
        var passed = delivered >= shape.RequiredDeliveredShare * expected
            && recorder.Delivery.Milliseconds(99) < shape.MaxDeliveryP99.TotalMilliseconds;
        return new StepResult(
            ratePerMember,
            shape.Connections,
            scheduled,
            recorder.Sent,
            expected,
            delivered,
            recorder.AcknowledgedCount,
            sendSeconds,
            recorder.Delivery,
            recorder.Acknowledgement,
            recorder.SendLag,
            usage,
            recorder.Summary,
            passed);
    }

    private static async Task SendOnScheduleAsync(
        IChatClient client, string room, int step, int member, long first, long interval, int count, long giveUp, StepRecorder recorder)
    {
        for (var sequence = 0; sequence < count; sequence++)
        {
            var due = first + interval * sequence;
            var early = due - Stopwatch.GetTimestamp();
            if (early > 0)
            {
                // Timers tick in whole milliseconds: round up, so a send never leaves before it is due.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(early * 1000.0 / Stopwatch.Frequency)));
            }
            else if (Stopwatch.GetTimestamp() > giveUp)
            {
                recorder.Failed($"member {member} fell {Stopwatch.GetElapsedTime(due).TotalSeconds:0.0} s behind its schedule and stopped");
                return;
            }

            recorder.SendLag.Record(due);
            try
            {
                await client.SendAsync(room, MessageText.Create(due, step, member, sequence));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                recorder.Failed($"send failed: {exception.Message}");
                return;
            }

            recorder.MessageSent();
        }
    }
}
