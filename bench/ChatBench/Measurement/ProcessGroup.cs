namespace ChatBench.Measurement;

/// <summary>
/// Processes measured together under one name (a service, PostgreSQL's process tree, the load generator). The ids are
/// asked for at each sample, since trees change (PostgreSQL starts a backend per connection).
/// </summary>
/// <param name="IsServer">False for the load generator: it is reported, but not counted as the system's CPU.</param>
internal sealed record ProcessGroup(string Name, Func<IReadOnlyList<int>> Processes, bool IsServer = true)
{
    public static ProcessGroup Of(string name, int pid, bool isServer = true) => new(name, () => [pid], isServer);

    public static ProcessGroup LoadGenerator { get; } = Of("bench", Environment.ProcessId, isServer: false);

    public long RssKiB() => Processes().Sum(ProcFs.RssKiB);
}
