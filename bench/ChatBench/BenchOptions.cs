using System.Globalization;
using ChatBench.Workload;

namespace ChatBench;

/// <summary>
/// The command line: a mode, then <c>--name value</c> overrides.
/// <list type="bullet">
/// <item><c>all</c> (default): every system (peak search, latency at half peak, idle memory, connect rate), the
/// comparison table, then our faults scenario.</item>
/// <item><c>compare</c>: the same without the faults scenario.</item>
/// <item><c>smoke</c>: every system end to end with a tiny workload; exits non-zero on any failure (for CI).</item>
/// <item><c>faults</c>: our connects and readiness with a dependency stopped or frozen.</item>
/// <item><c>profile</c>: our system under steady load with dotnet-counters, dotnet-trace (and perf) attached to a replica.</item>
/// <item><c>analyse --out DIR</c>: the summaries of a profile directory again.</item>
/// </list>
/// </summary>
internal sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> Modes = ["all", "compare", "smoke", "faults", "profile", "analyse"];

    public string Mode { get; init; } = "all";

    public IReadOnlyList<string> Systems { get; init; } = ["ours", "signalr", "kestrel"];

    public WorkloadShape Shape { get; init; } = new(Connections: 300, RoomSize: 10, StepDuration: TimeSpan.FromSeconds(10), ConnectConcurrency: 50);

    public PeakSearch Search { get; init; } = new(StartRate: 1, MaxRate: 1024, MaxLadderSteps: 12, Refinements: 2);

    /// <summary>An unreported step at the start rate before the ladder (zero: none).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rates per member to run as they are, instead of the peak search (<c>--rates 1,1,4</c>): for experiments.</summary>
    public IReadOnlyList<double> FixedRates { get; init; } = [];

    /// <summary>Whether latency is measured in a step of its own at half the peak rate (smoke reuses its one step).</summary>
    public bool HalfPeakStep { get; init; } = true;

    /// <summary>What the comparison measures on each system: <c>steps</c> (peak and half peak), <c>idle</c>, <c>connect</c>.</summary>
    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(["steps", "idle", "connect"], StringComparer.Ordinal);

    /// <summary>
    /// Extra environment for the ChatApi replicas (<c>--chatapi-env KEY=VALUE</c>, repeatable): configuration
    /// experiments such as <c>DOTNET_gcServer=0</c>, measured without changing code.
    /// </summary>
    public IReadOnlyDictionary<string, string> ChatApiEnvironment { get; init; } = new Dictionary<string, string>();

    public int IdleConnections { get; init; } = 5000;

    public int Connectors { get; init; } = 50;

    public TimeSpan ConnectDuration { get; init; } = TimeSpan.FromSeconds(3);

    public int FreshTokens { get; init; } = 3000;

    /// <summary>Profile: the steady rate per member, how long the load runs, where the files go.</summary>
    public double ProfileRate { get; init; } = 10;

    public TimeSpan ProfileDuration { get; init; } = TimeSpan.FromSeconds(60);

    public string OutputDirectory { get; init; } = Path.Combine("bench", "results");

    public static BenchOptions Smoke { get; } = new()
    {
        Mode = "smoke",
        // Latency is not judged (cold processes, a busy CI machine): every message delivered is what must hold.
        Shape = new(Connections: 20, RoomSize: 10, StepDuration: TimeSpan.FromSeconds(2), ConnectConcurrency: 10) { MaxDeliveryP99 = TimeSpan.FromHours(1) },
        Search = new(StartRate: 2, MaxRate: 2, MaxLadderSteps: 1, Refinements: 0),
        HalfPeakStep = false,
        WarmUp = TimeSpan.Zero,
        IdleConnections = 100,
        Connectors = 10,
        ConnectDuration = TimeSpan.FromSeconds(1),
        FreshTokens = 40,
    };

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var mode = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        if (!Modes.Contains(mode))
        {
            throw new ArgumentException($"Unknown mode '{mode}'; one of: {string.Join(", ", Modes)}.");
        }

        var options = mode == "smoke" ? Smoke : new BenchOptions { Mode = mode };
        for (var index = mode == args.FirstOrDefault() ? 1 : 0; index < args.Count; index += 2)
        {
            if (index + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[index]} needs a value.");
            }

            var value = args[index + 1];
            options = args[index] switch
            {
                "--systems" => options with { Systems = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--connections" => options with { Shape = options.Shape with { Connections = Integer(value) } },
                "--room-size" => options with { Shape = options.Shape with { RoomSize = Integer(value) } },
                "--step-seconds" => options with { Shape = options.Shape with { StepDuration = TimeSpan.FromSeconds(Real(value)) } },
                "--start-rate" => options with { Search = options.Search with { StartRate = Real(value) } },
                "--max-rate" => options with { Search = options.Search with { MaxRate = Real(value) } },
                "--ladder-steps" => options with { Search = options.Search with { MaxLadderSteps = Integer(value) } },
                "--rooms-on-one-replica" => options with { Shape = options.Shape with { RoomsOnOneReplica = bool.Parse(value) } },
                "--rates" => options with { FixedRates = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Real)] },
                "--refine" => options with { Search = options.Search with { Refinements = Integer(value) } },
                "--idle" => options with { IdleConnections = Integer(value) },
                "--connectors" => options with { Connectors = Integer(value), Shape = options.Shape with { ConnectConcurrency = Integer(value) } },
                "--connect-seconds" => options with { ConnectDuration = TimeSpan.FromSeconds(Real(value)) },
                "--fresh-tokens" => options with { FreshTokens = Integer(value) },
                "--rate" => options with { ProfileRate = Real(value) },
                "--profile-seconds" => options with { ProfileDuration = TimeSpan.FromSeconds(Real(value)) },
                "--out" => options with { OutputDirectory = value },
                "--parts" => options with { Parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) },
                "--chatapi-env" when value.Split('=', 2) is [var key, var setting] && key.Length > 0 =>
                    options with { ChatApiEnvironment = new Dictionary<string, string>(options.ChatApiEnvironment) { [key] = setting } },
                _ => throw new ArgumentException($"Unknown option {args[index]}."),
            };
        }

        var unknown = options.Systems.Except(["ours", "signalr", "kestrel"]).ToList();
        return unknown.Count == 0
            ? options
            : throw new ArgumentException($"Unknown system(s) {string.Join(", ", unknown)}; known: ours, signalr, kestrel.");
    }

    private static int Integer(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Real(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
