#if !USE_ASPIRE
using System.Net.Sockets;
using ChatApi.Tests.Infrastructure;

namespace ChatApi.Tests.Foundation;

/// <summary>The local-mode AppHost cleans up after itself: no process and no listening port outlives a run.</summary>
[Trait("Requires", "LocalMode")]
public sealed class LocalAppHostLifecycleTests
{
    [Fact]
    public async Task Stopping_the_application_leaves_no_process_or_port_behind()
    {
        var topology = await LocalTopology.StartAsync(new TopologyOptions { ChatApiReplicas = 1 });
        var app = topology.Application;
        var ports = new[] { app.Postgres!.Port, app.Cache!.Port, app.AuthService.Port, app.ChatApi[0].Port };
        Assert.NotEmpty(app.FindProcessesOfThisRun());

        await topology.DisposeAsync();

        Assert.Empty(app.FindProcessesOfThisRun());
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        }
    }

    [Fact]
    public async Task A_crashed_service_is_reported_as_exited_and_can_be_started_again()
    {
        await using var topology = await LocalTopology.StartAsync(new TopologyOptions { ChatApiReplicas = 1 });

        await topology.KillAsync("chatapi-0");
        Assert.NotEqual(0, await topology.Application.ChatApi[0].Exited);

        await topology.StartAsync("chatapi-0");
        var health = await HealthProbe.GetAsync(topology.ChatApi[0]);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}
#endif
