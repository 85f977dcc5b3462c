using Microsoft.Extensions.Configuration;

namespace AppHost.Infrastructure;

/// <summary>
/// Chooses how PostgreSQL and Redis run, before the model is built: Aspire cannot tell that no engine will ever run
/// its containers (they wait in "Runtime unhealthy", and whatever waits for them waits forever).
/// </summary>
public static class InfrastructureSelection
{
    /// <summary><c>containers</c>, <c>executables</c>, or unset (containers when an engine answers). Publishing always uses containers.</summary>
    public const string ConfigurationKey = "AppHost:Infrastructure";

    public static InfrastructureMode GetInfrastructureMode(this IDistributedApplicationBuilder builder)
    {
        // Publishing describes containers for the cloud, whatever this machine has or is told.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        var configured = builder.Configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode)
                ? mode
                : throw new DistributedApplicationException($"{ConfigurationKey} is '{configured}'; use 'containers' or 'executables'.");
        }

        return ContainerEngine.Answers(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"])
            ? InfrastructureMode.Containers
            : InfrastructureMode.Executables;
    }
}
