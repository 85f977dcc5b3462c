namespace AppHost.Testing;

/// <summary>
/// One running system per machine at a time. <c>dotnet test</c> runs test projects side by side, but distributed
/// tests measure reaction times on a few shared cores, and two systems at once would make those measurements lie.
/// The lock is an exclusive file lock (flock), released when disposed or when the process dies.
/// </summary>
internal sealed class MachineLock : IDisposable
{
    private static readonly string LockFile = Path.Combine(Path.GetTempPath(), "aspire-chat-distributed-tests.lock");
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);
    private readonly FileStream _file;

    private MachineLock(FileStream file) => _file = file;

    public static async Task<MachineLock> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new MachineLock(new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Another test process runs its system; wait for our turn.
                await Task.Delay(RetryInterval, cancellationToken);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
