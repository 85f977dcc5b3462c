using System.ComponentModel.DataAnnotations;

namespace ChatApi.Auth;

/// <summary>How ChatApi validates access tokens: section <c>Auth</c>.</summary>
public sealed class ChatAuthOptions
{
    public const string SectionName = "Auth";

    [Required]
    public string Issuer { get; set; } = "chat-authservice";

    [Required]
    public string Audience { get; set; } = "chatapi";

    /// <summary>Tolerated clock difference with AuthService; the contract allows at most 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Least time between two JWKS fetches caused by an unknown <c>kid</c>: tokens with random kids must not turn
    /// into a stream of calls to AuthService.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan JwksRefreshCooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Background JWKS refresh, so that a key rotation is known before the first token signed with it.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest life of a cached validation (never beyond the token's <c>exp</c> either): bounds how long a revocation
    /// whose notice was lost can go unnoticed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Upper bound on tokens kept in memory; beyond it, validations are still shared through Redis.</summary>
    [Range(1_000, 1_000_000)]
    public int MaxMemoryCacheEntries { get; set; } = 100_000;

    /// <summary>Longest token read at all; ours are well under 1 KiB.</summary>
    [Range(512, 65_536)]
    public int MaxTokenLength { get; set; } = 8_192;

    /// <summary>How long one Redis round trip (token cache and denylist) may take before the validator goes on without it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:02")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long readiness waits on the AuthService probe; below the 750 ms bound of every health check.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:00.700")]
    public TimeSpan HealthProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Opt-in degradation: when introspection cannot be done (auth path down), accept tokens that pass the local JWT
    /// check and are not on Redis' denylist, logging a warning each time. Off by default: a token revoked while
    /// AuthService is down would be accepted.
    /// </summary>
    public bool AcceptUnintrospectedTokensWhenAuthUnavailable { get; set; }
}
