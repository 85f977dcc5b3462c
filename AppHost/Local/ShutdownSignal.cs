using System.Runtime.InteropServices;

namespace AppHost.Local;

/// <summary>Ctrl+C, SIGTERM and SIGHUP as one cancellation token, so the orchestrator can stop its children in order.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly List<PosixSignalRegistration> _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            .. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal =>
                PosixSignalRegistration.Create(signal, context =>
                {
                    // Keep the process alive: stopping happens in order, on the main flow.
                    context.Cancel = true;
                    _requested.Cancel();
                })),
        ];
    }

    public CancellationToken Token => _requested.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
    }
}
