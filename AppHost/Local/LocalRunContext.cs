namespace AppHost.Local;

/// <summary>What every resource of one run shares: the options, the log sink and the markers its processes carry.</summary>
internal sealed class LocalRunContext(LocalAppHostOptions options, string dataDirectory, ILogSink sink)
{
    /// <summary>Marks every process of this run; tests look for it to prove nothing outlived the run.</summary>
    public const string SessionVariable = "LOCALAPPHOST_SESSION";

    /// <summary>Marks every process started for a data directory; the next run stops leftovers of a crashed one.</summary>
    public const string OwnerVariable = "LOCALAPPHOST_DATA";

    public LocalAppHostOptions Options { get; } = options;

    public string DataDirectory { get; } = dataDirectory;

    public ILogSink Sink { get; } = sink;

    public string SessionId { get; } = Guid.NewGuid().ToString("N");

    public IReadOnlyDictionary<string, string> Markers => new Dictionary<string, string>
    {
        [SessionVariable] = SessionId,
        [OwnerVariable] = DataDirectory,
    };

    public void Log(string message, bool isError = false) => Sink.Write(LocalDistributedApplication.LogSource, message, isError);
}
