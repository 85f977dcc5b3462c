using System.Globalization;

namespace AppHost.Local;

/// <summary>
/// A .NET service run from its build output, given exactly the configuration keys Aspire would give it
/// (<c>ConnectionStrings__*</c>, <c>services__*</c>, <c>OTEL_*</c>), healthy when <c>GET /health</c> answers 200
/// (Aspire's <c>WithHttpHealthCheck("/health")</c>).
/// </summary>
public sealed class ProjectResource : LocalResource
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly ServiceProject _project;
    private readonly IReadOnlyDictionary<string, string> _configuration;

    internal ProjectResource(
        LocalRunContext context,
        string name,
        ServiceProject project,
        int port,
        IReadOnlyDictionary<string, string> configuration,
        IReadOnlyList<LocalResource> dependsOn)
        : base(context, name, dependsOn)
    {
        _project = project;
        _configuration = configuration;
        Port = port;
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public override string Describe() => Endpoint.ToString();

    private protected override ProcessLaunch CreateLaunch()
    {
        var environment = BaseEnvironment();
        foreach (var (key, value) in _configuration)
        {
            environment[key] = value;
        }

        environment["ASPNETCORE_URLS"] = Endpoint.ToString().TrimEnd('/');
        return new ProcessLaunch(Name, DotNetHost.Path, [_project.TargetPath], environment, _project.ProjectDirectory);
    }

    private protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var response = await Probe.GetAsync(new Uri(Endpoint, "/health"), cancellationToken);
        return response.IsSuccessStatusCode;
    }
}
