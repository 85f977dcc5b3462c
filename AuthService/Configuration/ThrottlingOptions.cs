using System.ComponentModel.DataAnnotations;

namespace AuthService.Configuration;

/// <summary>
/// Limits on failed logins (section <c>Auth:Throttling</c>), counted in Redis so that every replica shares them.
/// </summary>
public sealed class ThrottlingOptions
{
    /// <summary>Failed logins for one username within <see cref="UsernameWindow"/> before further attempts get 429.</summary>
    [Range(1, 1_000_000)]
    public int UsernameFailureLimit { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan UsernameWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed logins from one client address within <see cref="ClientWindow"/> before further attempts get 429.</summary>
    [Range(1, 1_000_000)]
    public int ClientFailureLimit { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ClientWindow { get; set; } = TimeSpan.FromMinutes(1);
}
