using System.Net;
using System.Net.Sockets;

namespace ChatBench.Hosting;

/// <summary>A loopback port nobody listens on now (the kernel's choice); the caller starts its server on it at once.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
