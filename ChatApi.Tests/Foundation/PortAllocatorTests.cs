#if !USE_ASPIRE
using AppHost.Local;

namespace ChatApi.Tests.Foundation;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Picked_ports_are_never_handed_out_twice_and_stay_below_the_ephemeral_range()
    {
        var ports = Enumerable.Range(0, 500).Select(_ => PortAllocator.Resolve(0, "test")).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        if (File.Exists("/proc/sys/net/ipv4/ip_local_port_range"))
        {
            var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
        }
    }
}
#endif
