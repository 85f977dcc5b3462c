using System.Globalization;
using AppHost.Infrastructure;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Tests.Unit;

/// <summary>
/// Issue 14, finding 4: PostgreSQL logged "too many clients already" because the services' pools (Npgsql's default
/// 100 each, per replica) added up to more than its max_connections (100). The AppHost now sets both, so that every
/// pool at its fullest fits with room to spare, in both infrastructure modes and for any replica count it accepts.
/// </summary>
public sealed class ConnectionBudgetTests
{
    [Theory]
    [InlineData(InfrastructureMode.Containers, 1, 2)]
    [InlineData(InfrastructureMode.Executables, 1, 2)]
    [InlineData(InfrastructureMode.Executables, 2, 4)]
    public async Task The_pools_of_all_replicas_fit_postgres_max_connections_with_the_reserve_left(InfrastructureMode mode, int authReplicas, int chatReplicas)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"{InfrastructureSelection.ConfigurationKey}={mode}",
            $"AppHost:AuthServiceReplicas={authReplicas}",
            $"AppHost:ChatApiReplicas={chatReplicas}",
        ]);
        foreach (var resource in builder.Resources.OfType<IResourceWithEndpoints>())
        {
            // Allocated as a run would (the server's port is one of its arguments), without running anything.
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", resource.Name == "postgres" ? 5432 : 8080);
            }
        }

        await using var app = await builder.BuildAsync();
        var executionContext = app.Services.GetRequiredService<DistributedApplicationExecutionContext>();

        var postgres = builder.Resources.Single(resource => resource.Name == "postgres");
        var arguments = (await ExecutionConfigurationBuilder.Create(postgres).WithArgumentsConfig().BuildAsync(executionContext)).Arguments
            .Select(argument => argument.Value)
            .ToList();
        var setting = Assert.Single(arguments, argument => argument.StartsWith("max_connections=", StringComparison.Ordinal));
        var maxConnections = int.Parse(setting["max_connections=".Length..], CultureInfo.InvariantCulture);

        var pooled = 0;
        foreach (var project in builder.Resources.OfType<ProjectResource>().Where(project => project.Name is "authservice" or "chatapi"))
        {
            var environment = (await ExecutionConfigurationBuilder.Create(project).WithEnvironmentVariablesConfig().BuildAsync(executionContext)).EnvironmentVariables;
            var poolSize = int.Parse(environment.Single(pair => pair.Key == ConnectionBudget.PoolSizeEnvironmentVariable).Value, CultureInfo.InvariantCulture);
            var replicas = project.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
            Assert.Equal(project.Name == "authservice" ? authReplicas : chatReplicas, replicas);
            Assert.True(poolSize >= 2, $"{project.Name} gets a pool of {poolSize}.");
            pooled += poolSize * replicas;
        }

        Assert.Equal(ConnectionBudget.DefaultMaxConnections, maxConnections);
        Assert.True(
            pooled <= maxConnections - ConnectionBudget.DefaultReservedConnections,
            $"{pooled} pooled connections, {maxConnections} max_connections, {ConnectionBudget.DefaultReservedConnections} reserved.");
    }

    [Fact]
    public void Too_many_replicas_for_the_connections_stop_the_apphost_with_the_key_to_raise()
    {
        var refused = Assert.Throws<DistributedApplicationException>(() => ConnectionBudget.Split(100, 20, 1, 40));

        Assert.Contains(ConnectionBudget.MaxConnectionsKey, refused.Message, StringComparison.Ordinal);
    }
}
