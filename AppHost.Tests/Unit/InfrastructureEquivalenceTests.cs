using AppHost.Infrastructure;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Tests.Unit;

/// <summary>
/// A service never knows how its dependencies were started: with PostgreSQL and Redis as containers or as host
/// executables, each service receives exactly the same configuration, key by key.
/// </summary>
public sealed class InfrastructureEquivalenceTests
{
    [Fact]
    public async Task Services_receive_the_same_configuration_from_containers_and_from_host_executables()
    {
        var containers = await ServiceEnvironmentAsync(InfrastructureMode.Containers);
        var executables = await ServiceEnvironmentAsync(InfrastructureMode.Executables);

        Assert.Equal(["authservice", "chatapi", "webfrontend"], containers.Keys.Order(StringComparer.Ordinal));
        foreach (var (service, expected) in containers)
        {
            var actual = executables[service];
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, value) in expected)
            {
                Assert.True(value == actual[key], $"{service} {key}: containers give '{value}', executables '{actual[key]}'.");
            }

            if (service == "webfrontend")
            {
                // The front end holds no data: it finds the two services it forwards to by service discovery.
                Assert.Equal(["services__authservice__http__0", "services__chatapi__http__0"], expected.Keys.Order(StringComparer.Ordinal));
                continue;
            }

            // The keys of the contract, and Aspire's connection properties, are among them.
            Assert.Contains("ConnectionStrings__chatdb", expected.Keys);
            Assert.Contains("ConnectionStrings__cache", expected.Keys);
            Assert.Contains("CHATDB_URI", expected.Keys);
            Assert.Contains("CACHE_PASSWORD", expected.Keys);
            Assert.Contains("Database__MaxPoolSize", expected.Keys);
        }
    }

    /// <summary>
    /// The environment each service would get in a run, with both models' endpoints allocated alike (PostgreSQL on
    /// 5432, Redis on 6379, services on 8080) and the same generated passwords (both come from user secrets).
    /// </summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> ServiceEnvironmentAsync(InfrastructureMode mode)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([$"{InfrastructureSelection.ConfigurationKey}={mode}"]);
        foreach (var resource in builder.Resources.OfType<IResourceWithEndpoints>())
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                var port = resource.Name switch
                {
                    "postgres" => 5432,
                    "cache" => 6379,
                    _ => 8080,
                };
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
            }
        }

        // Built, never started: nothing runs, but the model can be evaluated as a run would.
        await using var app = await builder.BuildAsync();
        var executionContext = app.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        var environments = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var configuration = await ExecutionConfigurationBuilder.Create(project)
                .WithEnvironmentVariablesConfig()
                .BuildAsync(executionContext);
            environments[project.Name] = configuration.EnvironmentVariables
                .Where(pair => pair.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                    || pair.Key.StartsWith("CHATDB_", StringComparison.Ordinal)
                    || pair.Key.StartsWith("CACHE_", StringComparison.Ordinal)
                    || pair.Key.StartsWith("services__", StringComparison.Ordinal)
                    || pair.Key.StartsWith("Database__", StringComparison.Ordinal))
                .ToDictionary(StringComparer.Ordinal);
        }

        return environments;
    }
}
