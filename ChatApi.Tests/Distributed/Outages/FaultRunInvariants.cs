namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// The randomized run's checks against chatdb, read directly after the run:
/// every acknowledged message is stored exactly once, with the acknowledged id; everything a client sent was in the
/// end acknowledged, and nothing else of it is stored; and every client saw every message stored in each of its rooms
/// after its first join exactly once and in id order, across all its resumed sessions (each resumed with
/// <c>since</c> = the last id it saw, so the concatenation of its sessions' views must be exactly the stored sequence).
/// </summary>
public static class FaultRunInvariants
{
    public sealed record Result(IReadOnlyList<string> Violations, int AcknowledgedChecked, int DeliveriesChecked);

    public static Result Check(IReadOnlyList<StoredRow> stored, IReadOnlyList<FaultRunClient> clients)
    {
        var violations = new List<string>();
        var idsByRoom = stored.GroupBy(row => row.Room, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(row => row.Id).Order().ToList(), StringComparer.Ordinal);
        var byClientMsgId = stored.Where(row => row.ClientMsgId is not null).ToLookup(row => (row.SenderId, row.ClientMsgId!));
        var acknowledged = 0;
        var deliveries = 0;

        foreach (var client in clients)
        {
            if (client.UserId is not { } userId)
            {
                violations.Add($"{client.Name}: never connected");
                continue;
            }

            var acked = client.Acked;
            foreach (var (clientMsgId, id) in acked)
            {
                acknowledged++;
                var rows = byClientMsgId[(userId, clientMsgId)].ToList();
                if (rows.Count != 1)
                {
                    violations.Add($"{client.Name}: {clientMsgId} acknowledged as {id} is stored {rows.Count} times");
                }
                else if (rows[0].Id != id)
                {
                    violations.Add($"{client.Name}: {clientMsgId} acknowledged as {id} is stored as {rows[0].Room} {rows[0].Id}");
                }
            }

            var sent = client.Sent.ToHashSet(StringComparer.Ordinal);
            foreach (var clientMsgId in sent.Where(clientMsgId => !acked.ContainsKey(clientMsgId)).Order(StringComparer.Ordinal))
            {
                violations.Add($"{client.Name}: {clientMsgId} was never acknowledged");
            }

            foreach (var row in stored.Where(row => row.SenderId == userId && (row.ClientMsgId is null || !sent.Contains(row.ClientMsgId))))
            {
                violations.Add($"{client.Name}: {row.Room} {row.Id} ({row.ClientMsgId}) is stored but was never sent");
            }

            foreach (var room in client.Rooms)
            {
                var view = client.ViewOf(room);
                if (view.JoinPoint is not { } joinPoint)
                {
                    violations.Add($"{client.Name}: never joined {room}");
                    continue;
                }

                var expected = idsByRoom.GetValueOrDefault(room, []).Where(id => id > joinPoint).ToList();
                var seen = view.Seen;
                deliveries += seen.Count;
                for (var index = 1; index < seen.Count; index++)
                {
                    if (seen[index].Id <= seen[index - 1].Id)
                    {
                        violations.Add($"{client.Name}: {room} id {seen[index].Id} (session {seen[index].Session}) after {seen[index - 1].Id} (session {seen[index - 1].Session}): repeated or out of order");
                    }
                }

                var seenIds = seen.Select(s => s.Id).ToHashSet();
                var missing = expected.Where(id => !seenIds.Contains(id)).ToList();
                if (missing.Count > 0)
                {
                    violations.Add($"{client.Name}: {room} (joined at {joinPoint}) never saw {missing.Count} stored messages: {string.Join(",", missing.Take(20))}");
                }

                var expectedIds = expected.ToHashSet();
                var unknown = seen.Where(s => !expectedIds.Contains(s.Id)).ToList();
                if (unknown.Count > 0)
                {
                    violations.Add($"{client.Name}: {room} saw {unknown.Count} ids that are not stored after its join point: {string.Join(",", unknown.Take(20).Select(s => $"{s.Id}@{s.Session}"))}");
                }
            }
        }

        return new Result(violations, acknowledged, deliveries);
    }
}
