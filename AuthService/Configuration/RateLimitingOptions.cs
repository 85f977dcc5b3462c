using System.ComponentModel.DataAnnotations;

namespace AuthService.Configuration;

/// <summary>
/// ASP.NET Core rate limits in front of the credential endpoints (section <c>Auth:RateLimiting</c>; docs/auth.md,
/// "Rate limits"). Introspection and the JWKS, which ChatApi's auth path calls, are outside all of them.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "Auth:RateLimiting";

    /// <summary>
    /// Password hashes (login, registration) computed at once by this replica. Hashing is CPU-bound (~100 ms of a
    /// core each): more at once only makes every one of them, and introspection, slower.
    /// </summary>
    [Range(1, 1024)]
    public int PasswordHashingPermitLimit { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Requests that wait for a hashing permit; the rest get 429 at once. Small: a queue only adds latency to a flood.</summary>
    [Range(0, 10_000)]
    public int PasswordHashingQueueLimit { get; set; } = 8;

    /// <summary>Burst of credential requests (token, register, refresh) one client address may make.</summary>
    [Range(1, 100_000)]
    public int ClientTokenLimit { get; set; } = 60;

    /// <summary>Credential requests per <see cref="ClientReplenishmentPeriod"/> one client address may make sustained.</summary>
    [Range(1, 100_000)]
    public int ClientTokensPerPeriod { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ClientReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
}
