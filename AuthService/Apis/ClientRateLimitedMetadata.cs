namespace AuthService.Apis;

/// <summary>Marks an endpoint whose requests draw on the caller's per-address token bucket (see <see cref="AuthRateLimiting"/>).</summary>
public sealed class ClientRateLimitedMetadata
{
    public static ClientRateLimitedMetadata Instance { get; } = new();
}
