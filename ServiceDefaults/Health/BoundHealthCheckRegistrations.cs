using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Health;

/// <summary>
/// Wraps every registered health check, whoever added it, in a <see cref="TimeBoundHealthCheck"/>.
/// </summary>
/// <remarks>
/// The framework cancels a check after <see cref="HealthCheckRegistration.Timeout"/> but still awaits it, so a check
/// that ignores its token (or blocks on a socket to a frozen server) would hold the whole answer hostage.
/// Post-configuration sees the final list, so services keep adding checks the ordinary way.
/// </remarks>
internal sealed class BoundHealthCheckRegistrations(IOptions<HealthCheckTimeoutOptions> timeouts, TimeProvider timeProvider)
    : IPostConfigureOptions<HealthCheckServiceOptions>
{
    public void PostConfigure(string? name, HealthCheckServiceOptions options)
    {
        var timeout = timeouts.Value.Timeout;
        var registrations = options.Registrations.ToList();
        options.Registrations.Clear();

        foreach (var registration in registrations)
        {
            var bound = registration.Timeout > TimeSpan.Zero && registration.Timeout < timeout ? registration.Timeout : timeout;
            var factory = registration.Factory;
            options.Registrations.Add(new HealthCheckRegistration(
                registration.Name,
                services => new TimeBoundHealthCheck(factory(services), bound, timeProvider),
                registration.FailureStatus,
                registration.Tags,
                bound));
        }
    }
}
