using AppHost.Local;
using Microsoft.Extensions.Configuration;

// Local mode: the AppHost without Aspire or containers (README, "Two AppHost modes").
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = configuration.GetSection(LocalAppHostOptions.SectionName).Get<LocalAppHostOptions>() ?? new LocalAppHostOptions();
var sink = new ConsoleLogSink();

using var shutdown = new ShutdownSignal();
try
{
    await using var app = await LocalDistributedApplication.StartAsync(options, sink, shutdown.Token);
    app.PrintSummary();

    // Run until asked to stop; a service that dies is reported, as Aspire's dashboard would show it, not restarted.
    var exits = app.Resources.Select(resource => resource.Exited.ContinueWith(
        exited => sink.Write(LocalDistributedApplication.LogSource, $"{resource.Name} exited with code {exited.Result}.", isError: !shutdown.Token.IsCancellationRequested),
        TaskScheduler.Default));
    _ = Task.WhenAll(exits);
    await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}
catch (MissingPrerequisiteException exception)
{
    sink.Write(LocalDistributedApplication.LogSource, exception.Message, isError: true);
    return 2;
}
catch (ResourceStartException exception)
{
    sink.Write(LocalDistributedApplication.LogSource, $"Start failed: {exception.Message}", isError: true);
    return 1;
}
catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
{
    return 0;
}
