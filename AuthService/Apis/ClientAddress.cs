using System.Net;

namespace AuthService.Apis;

/// <summary>
/// The client a request is counted against by throttles and rate limits: the TCP peer, or the address the front
/// end forwarded (X-Forwarded-For, trusted from known proxies only; see <c>UseForwardedHeaders</c> in Program.cs).
/// </summary>
public static class ClientAddress
{
    /// <summary>
    /// IPv4 as is (IPv4-mapped IPv6 unmapped); IPv6 by its /64, since one host is usually given a whole /64 and could
    /// otherwise pick a fresh address per attempt.
    /// </summary>
    public static string Of(HttpContext context) => Normalise(context.Connection.RemoteIpAddress);

    public static string Normalise(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily is System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"{new IPAddress(bytes)}/64";
        }

        return address.ToString();
    }
}
