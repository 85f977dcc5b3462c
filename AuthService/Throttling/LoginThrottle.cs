using System.Security.Cryptography;
using System.Text;
using AuthService.Configuration;
using Microsoft.Extensions.Options;

namespace AuthService.Throttling;

/// <summary>
/// Login attempts per username and per client address, counted <em>before</em> the password is checked, atomically
/// and shared by every replica (<see cref="AttemptCounter"/>): of N concurrent guesses at most the limit reach the
/// password check. A success gives its attempts back (the username's count is cleared, the address's decremented),
/// so what stays counted are failures, and many people behind one address can still sign in.
/// </summary>
public sealed class LoginThrottle(AttemptCounter counter, IOptions<AuthOptions> options)
{
    public const string UsernameLimit = "username";
    public const string ClientLimit = "client";

    private readonly ThrottlingOptions _options = options.Value.Throttling;

    /// <summary>Counts the attempt, or refuses it without counting when a limit is reached.</summary>
    public Task<ThrottleDecision> TryAcquireAsync(string? username, string clientAddress) => counter.TryReserveAsync(
        [
            new AttemptLimit(UsernameKey(username), _options.UsernameFailureLimit, _options.UsernameWindow, UsernameLimit),
            new AttemptLimit(ClientKey(clientAddress), _options.ClientFailureLimit, _options.ClientWindow, ClientLimit),
        ]);

    /// <summary>The attempt succeeded: the username starts afresh, and the address gets its attempt back.</summary>
    public Task SucceededAsync(string? username, string clientAddress, ThrottleDecision reservation) =>
        counter.GiveBackAsync([(UsernameKey(username), true), (ClientKey(clientAddress), false)], reservation);

    /// <summary>
    /// The attempt was never decided (a dependency failed before the password was checked): both counters get it
    /// back, so a user retrying through a database outage is not locked out by attempts that were never guesses.
    /// </summary>
    public Task UndecidedAsync(string? username, string clientAddress, ThrottleDecision reservation) =>
        counter.GiveBackAsync([(UsernameKey(username), false), (ClientKey(clientAddress), false)], reservation);

    // Usernames are attacker-chosen: hashed, every key has the same bounded shape.
    private static string UsernameKey(string? username) =>
        $"auth:throttle:user:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(username ?? string.Empty)), 0, 16)}";

    private static string ClientKey(string clientAddress) => $"auth:throttle:client:{clientAddress}";
}
