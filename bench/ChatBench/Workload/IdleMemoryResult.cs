namespace ChatBench.Workload;

/// <summary>RSS of the connection-holding processes before and with the idle connections, in KiB.</summary>
internal sealed record IdleMemoryResult(int Connections, long BeforeKiB, long AfterKiB, string Failures)
{
    public double KiBPerConnection => (double)(AfterKiB - BeforeKiB) / Connections;
}
