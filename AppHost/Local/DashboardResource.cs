using System.Globalization;

namespace AppHost.Local;

/// <summary>
/// The Aspire dashboard, from the Aspire CLI published on npm (<c>@microsoft/aspire-cli-linux-x64</c>):
/// <c>aspire dashboard run</c> with anonymous access on loopback; services export OTLP/gRPC to it.
/// </summary>
public sealed class DashboardResource : LocalResource
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _cli;

    internal DashboardResource(LocalRunContext context, string cli, int frontendPort, int otlpGrpcPort, int otlpHttpPort)
        : base(context, "dashboard", [])
    {
        _cli = cli;
        FrontendUrl = Loopback(frontendPort);
        OtlpGrpcUrl = Loopback(otlpGrpcPort);
        OtlpHttpUrl = Loopback(otlpHttpPort);
    }

    public Uri FrontendUrl { get; }

    public Uri OtlpGrpcUrl { get; }

    public Uri OtlpHttpUrl { get; }

    public override string Describe() => $"{FrontendUrl} (OTLP/gRPC {OtlpGrpcUrl})";

    /// <summary>The Aspire CLI when installed: ASPIRE_CLI_PATH, then the repository's .tools/ (see eng/bootstrap.sh), then PATH.</summary>
    public static string? FindCli(string repositoryRoot)
    {
        if (System.Environment.GetEnvironmentVariable("ASPIRE_CLI_PATH") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        var bundled = Path.Combine(repositoryRoot, ".tools", "node_modules", "@microsoft", "aspire-cli-linux-x64", "bin", "aspire");
        return File.Exists(bundled) ? bundled : ExecutableLocator.Find("aspire");
    }

    private protected override ProcessLaunch CreateLaunch()
    {
        var environment = BaseEnvironment();
        environment["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["NO_COLOR"] = "1";
        return new ProcessLaunch(
            Name,
            _cli,
            [
                "dashboard", "run",
                "--frontend-url", Trim(FrontendUrl),
                "--otlp-grpc-url", Trim(OtlpGrpcUrl),
                "--otlp-http-url", Trim(OtlpHttpUrl),
                "--allow-anonymous", "--non-interactive", "--nologo",
            ],
            environment,
            Context.DataDirectory);
    }

    private protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var response = await Probe.GetAsync(FrontendUrl, cancellationToken);
        return (int)response.StatusCode < 500;
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
