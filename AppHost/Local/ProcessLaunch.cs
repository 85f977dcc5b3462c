namespace AppHost.Local;

/// <summary>What to run for a resource: the command, its working directory, environment and user.</summary>
internal sealed record ProcessLaunch(
    string LogSource,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string? RunAsUser = null);
