using System.Text.RegularExpressions;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// Why ChatApi could not validate tokens, in the order it answered them: its token validator logs every such refusal
/// at Debug ("Token cannot be validated now (reason) …"), which a topology turns on with <see cref="LogLevelVariable"/>.
/// Read from a mark on one replica, so only the refusals of the attempts made there since count.
/// </summary>
internal sealed partial class TokenRefusalLog
{
    /// <summary>The reason of a refusal decided by the open (or half-open) circuit, without any call to AuthService.</summary>
    public const string CircuitOpen = "auth path circuit open";

    private readonly DistributedTopology _topology;
    private readonly string _replica;
    private readonly int _mark;

    private TokenRefusalLog(DistributedTopology topology, string replica)
    {
        _topology = topology;
        _replica = replica;
        _mark = ReasonsIn(topology.LogsOf(replica)).Count;
    }

    /// <summary>The environment variable that turns the line on when set to <c>Debug</c> (the validator's log level).</summary>
    public const string LogLevelVariable = "Logging__LogLevel__ChatApi.Auth.TokenValidator";

    /// <summary>Starts reading with the next refusal that ChatApi replica <paramref name="index"/> (<c>Topology.ChatApi[index]</c>) logs.</summary>
    public static TokenRefusalLog FromNow(DistributedTopology topology, int index) => new(topology, $"chatapi-{index}");

    /// <summary>The reasons of the next <paramref name="count"/> refusals since the mark, once their lines have arrived.</summary>
    public async Task<IReadOnlyList<string>> NextAsync(int count)
    {
        var logs = await _topology.WaitForLogsAsync(_replica, logs => ReasonsIn(logs).Count >= _mark + count);
        return ReasonsIn(logs).Skip(_mark).Take(count).ToList();
    }

    private static List<string> ReasonsIn(string logs) =>
        RefusalLine().Matches(logs).Select(match => match.Groups["reason"].Value).ToList();

    [GeneratedRegex(@"Token cannot be validated now \((?<reason>[^\r\n]*)\); Retry-After")]
    private static partial Regex RefusalLine();
}
