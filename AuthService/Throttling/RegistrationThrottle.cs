using AuthService.Configuration;
using Microsoft.Extensions.Options;

namespace AuthService.Throttling;

/// <summary>
/// Registrations per client address, every attempt counted (an account created is as much a cost as one refused):
/// at most <see cref="ThrottlingOptions.RegistrationLimit"/> per <see cref="ThrottlingOptions.RegistrationWindow"/>.
/// </summary>
public sealed class RegistrationThrottle(AttemptCounter counter, IOptions<AuthOptions> options)
{
    public const string RegistrationLimit = "registration";

    private readonly ThrottlingOptions _options = options.Value.Throttling;

    public Task<ThrottleDecision> TryAcquireAsync(string clientAddress) => counter.TryReserveAsync(
        [new AttemptLimit($"auth:throttle:register:{clientAddress}", _options.RegistrationLimit, _options.RegistrationWindow, RegistrationLimit)]);
}
