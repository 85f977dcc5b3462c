using System.Globalization;
using StackExchange.Redis;

namespace AppHost.Local;

/// <summary>Redis from the machine's redis-server, on loopback, password-protected, without persistence (a cache).</summary>
public sealed class RedisResource : LocalResource
{
    private readonly string _binary;
    private readonly string _password;

    internal RedisResource(LocalRunContext context, string binary, int port, string password)
        : base(context, "cache", [])
    {
        _binary = binary;
        Port = port;
        _password = password;
    }

    public int Port { get; }

    /// <summary>
    /// A Redis by itself, outside a topology, on a free port: for tests of Redis-level behaviour. Like any resource it
    /// can be stopped and started again on the same port.
    /// </summary>
    public static RedisResource Standalone(string workingDirectory, ILogSink sink, string password)
    {
        var binary = ExecutableLocator.Find("redis-server", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin")
            ?? throw new MissingPrerequisiteException("Redis (redis-server) is not installed: sudo apt-get install -y redis-server");
        return new RedisResource(new LocalRunContext(new LocalAppHostOptions(), workingDirectory, sink), binary, PortAllocator.Resolve(0, "RedisPort"), password);
    }

    /// <summary>What a service receives as <c>ConnectionStrings:cache</c>, in Aspire's format.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={_password}";

    public override string Describe() => $"127.0.0.1:{Port}";

    private protected override ProcessLaunch CreateLaunch() => new(
        Name,
        _binary,
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--requirepass", _password,
        ],
        BaseEnvironment(),
        Context.DataDirectory);

    private protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 1000;
        options.ConnectRetry = 0;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return true;
    }
}
