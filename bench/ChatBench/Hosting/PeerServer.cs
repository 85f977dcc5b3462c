using System.Globalization;

namespace ChatBench.Hosting;

/// <summary>One peer process (<c>bench/Peers/*</c>) on a free loopback port, Release build, logging at Warning.</summary>
internal sealed class PeerServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _process;

    private PeerServer(ChildProcess process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public int Pid => _process.Pid;

    /// <summary>Starts <paramref name="project"/> and waits until its <c>/health</c> answers.</summary>
    public static async Task<PeerServer> StartAsync(string name, string project, IReadOnlyDictionary<string, string>? environment = null)
    {
        var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["ASPNETCORE_URLS"] = endpoint.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var process = ChildProcess.Start(name, PeerExecutable.Of(project), [], variables);
        try
        {
            await WaitUntilHealthyAsync(process, endpoint);
            return new PeerServer(process, endpoint);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static async Task WaitUntilHealthyAsync(ChildProcess process, Uri endpoint)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            process.ThrowIfExited();
            try
            {
                using var response = await http.GetAsync(new Uri(endpoint, "/health"), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
            {
                // One slow answer while it starts.
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
