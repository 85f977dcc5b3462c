using System.Net;
using System.Net.Sockets;

namespace AppHost.Local;

/// <summary>Ports for the run: a configured port must be free; 0 picks a free one.</summary>
/// <remarks>
/// A picked port is free when picked but only taken when its resource starts. Two things could take it meanwhile:
/// this process picking it again (seen: Redis and a ChatApi replica given the same kernel-chosen port), and any
/// outgoing connection on the machine, whose local port comes from the kernel's ephemeral range. So ports are picked
/// below that range, and never handed out twice by this process.
/// </remarks>
internal static class PortAllocator
{
    private const int LowestPort = 10_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();
    private static readonly int EphemeralStart = ReadEphemeralStart();

    public static int Resolve(int configured, string what)
    {
        if (configured == 0)
        {
            lock (Gate)
            {
                var port = PickBelowEphemeralRange() ?? PickAnyFree();
                HandedOut.Add(port);
                return port;
            }
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

    private static int? PickBelowEphemeralRange()
    {
        if (EphemeralStart - LowestPort < 1000)
        {
            return null;
        }

        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(LowestPort, EphemeralStart);
            if (!HandedOut.Contains(candidate) && IsFree(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int PickAnyFree()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (!HandedOut.Contains(port))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux); elsewhere the IANA default, 49152.</summary>
    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49152;
        }
    }
}
