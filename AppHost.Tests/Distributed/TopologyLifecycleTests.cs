using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AppHost.Tests.Distributed;

/// <summary>The AppHost cleans up after itself, and a crashed service is reported and can be started again.</summary>
public sealed class TopologyLifecycleTests
{
    [Fact]
    public async Task Stopping_the_application_leaves_no_process_or_port_behind()
    {
        var topology = await DistributedTopology.StartAsync(new TopologyOptions { ChatApiReplicas = 1 });
        var processes = topology.ProcessesOfResources();
        var ports = topology.Ports();
        Assert.True(processes.Count >= 5, $"only {processes.Count} processes found.");

        await topology.DisposeAsync();

        // The orchestrator stops resources as the application stops; allow it a few seconds (generous bound).
        var deadline = Stopwatch.StartNew();
        while (processes.Any(IsAlive) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(processes, IsAlive);
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public async Task A_killed_service_is_reported_as_stopped_and_can_be_started_again()
    {
        await using var topology = await DistributedTopology.StartAsync(new TopologyOptions { ChatApiReplicas = 1 });

        await topology.KillAsync("chatapi-0");
        await Assert.ThrowsAsync<HttpRequestException>(() => HealthProbe.GetAsync(topology.ChatApi[0]));

        await topology.StartAsync("chatapi-0");
        var health = await HealthProbe.GetAsync(topology.ChatApi[0]);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static bool IsAlive(int processId) => Directory.Exists($"/proc/{processId}") && !IsZombie(processId);

    private static bool IsZombie(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }
}
