using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace ChatBench.Hosting;

/// <summary>
/// A throwaway redis-server for the SignalR peer's backplane: a free loopback port, a generated password (in a
/// private config file, not on the command line), no persistence.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;
    private readonly string _directory;

    private RedisServer(ChildProcess process, string directory, string connectionString)
    {
        _process = process;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>StackExchange.Redis format, as a service would receive it.</summary>
    public string ConnectionString { get; }

    public int Pid => _process.Pid;

    public static async Task<RedisServer> StartAsync()
    {
        var program = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("redis-server is not installed (eng/bootstrap.sh installs it).");
        var directory = Directory.CreateTempSubdirectory("chatbench-redis-").FullName;
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var config = Path.Combine(directory, "redis.conf");
        File.WriteAllText(config, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllLines(config,
        [
            $"port {port}",
            "bind 127.0.0.1",
            $"requirepass {password}",
            "save \"\"",
            "appendonly no",
            $"dir {directory}",
            "maxclients 20000",
        ]);
        var process = ChildProcess.Start("redis", program, [config], new Dictionary<string, string>());
        var connectionString = $"127.0.0.1:{port},password={password}";
        try
        {
            await WaitUntilReadyAsync(process, connectionString);
            return new RedisServer(process, directory, connectionString);
        }
        catch
        {
            await process.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task WaitUntilReadyAsync(ChildProcess process, string connectionString)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            process.ThrowIfExited();
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync($"{connectionString},abortConnect=true,connectTimeout=1000");
                await redis.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
