using Microsoft.Extensions.Options;

namespace AuthService.Configuration;

/// <summary>Validates <see cref="RateLimitingOptions"/> at start-up (source generated, no reflection).</summary>
[OptionsValidator]
public sealed partial class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>;
