using Microsoft.Extensions.Options;

namespace AuthService.Configuration;

/// <summary>Validates <see cref="AuthOptions"/> and its nested sections at start-up (source generated, no reflection).</summary>
[OptionsValidator]
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;
