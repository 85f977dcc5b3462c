using System.Net;

namespace AppHost.Tests.Distributed;

[Collection(SharedTopologyFixture.Collection)]
public sealed class TopologyTests(SharedTopologyFixture fixture)
{
    private DistributedTopology Topology => fixture.Topology;

    public static TheoryData<string> Services => ["authservice", "chatapi-0", "chatapi-1"];

    [Fact]
    public async Task Every_service_is_ready_with_its_dependencies_healthy()
    {
        foreach (var service in new[] { Topology.AuthService }.Concat(Topology.ChatApi))
        {
            var health = await HealthProbe.GetAsync(service);

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", health.Status);
            Assert.Equal("Healthy", health.Checks["PostgreSql"]);
            Assert.Equal("Healthy", health.Checks["StackExchange.Redis"]);
        }
    }

    [Fact]
    public async Task Liveness_answers_without_calling_dependencies()
    {
        foreach (var service in new[] { Topology.AuthService }.Concat(Topology.ChatApi))
        {
            var alive = await HealthProbe.GetAsync(service, "/alive");

            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.Equal(["self"], alive.Checks.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Services_receive_the_contract_configuration_keys(string service)
    {
        var environment = Topology.EnvironmentOf(service);

        Assert.Equal(Topology.ChatDbConnectionString, environment["ConnectionStrings__chatdb"]);
        Assert.Equal(Topology.CacheConnectionString, environment["ConnectionStrings__cache"]);
        Assert.Contains("Database=chatdb", environment["ConnectionStrings__chatdb"], StringComparison.Ordinal);
        if (service.StartsWith("chatapi", StringComparison.Ordinal))
        {
            Assert.Equal(Topology.AuthServiceEndpoint.ToString().TrimEnd('/'), environment["services__authservice__http__0"]);
        }
        else
        {
            Assert.DoesNotContain("services__authservice__http__0", environment.Keys);
        }
    }

    [Fact]
    public async Task Health_output_names_checks_without_secrets()
    {
        var health = await HealthProbe.GetAsync(Topology.ChatApi[0]);
        var password = new Npgsql.NpgsqlConnectionStringBuilder(Topology.ChatDbConnectionString).Password!;

        Assert.DoesNotContain(password, health.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", health.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("password", health.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"durationMs\"", health.Body, StringComparison.Ordinal);
    }
}
