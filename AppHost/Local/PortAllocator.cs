using System.Net;
using System.Net.Sockets;

namespace AppHost.Local;

/// <summary>Ports for the run: a configured port must be free; 0 asks the kernel for one that is.</summary>
internal static class PortAllocator
{
    public static int Resolve(int configured, string what)
    {
        if (configured == 0)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, configured);
            listener.Start();
            return configured;
        }
        catch (SocketException)
        {
            throw new MissingPrerequisiteException(
                $"Port {configured} for {what} is in use. Stop what uses it, or pick another port (0 = any free port), e.g. --{LocalAppHostOptions.SectionName}:{what}=0.");
        }
    }
}
