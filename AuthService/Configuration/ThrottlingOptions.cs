using System.ComponentModel.DataAnnotations;

namespace AuthService.Configuration;

/// <summary>
/// Limits on login and registration attempts (section <c>Auth:Throttling</c>), counted in Redis so that every
/// replica shares them (docs/auth.md, "Login throttling").
/// </summary>
public sealed class ThrottlingOptions
{
    /// <summary>
    /// Login attempts for one username within <see cref="UsernameWindow"/> before further attempts get 429. Counted
    /// before the password check; a success clears the count, so what accumulates are failures (and attempts in flight).
    /// </summary>
    [Range(1, 1_000_000)]
    public int UsernameFailureLimit { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan UsernameWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Login attempts from one client address within <see cref="ClientWindow"/> before further attempts get 429. A
    /// success gives its attempt back, so only failures (and attempts in flight) accumulate.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ClientFailureLimit { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ClientWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Registrations (successful or not) from one client address within <see cref="RegistrationWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RegistrationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a throttle decision waits on Redis before it is taken in this replica instead. Redis answers the
    /// script in well under a millisecond; a login waits on this at most once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most counters the in-process fallback holds; past it, new usernames or addresses are refused while Redis is out.</summary>
    [Range(100, 10_000_000)]
    public int LocalCapacity { get; set; } = 100_000;
}
