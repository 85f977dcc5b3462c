using System.Text.RegularExpressions;

namespace AuthService.Users;

/// <summary>What a username and a password must look like (the contract's rules).</summary>
public static partial class CredentialRules
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static bool IsValidUsername(string? username) => username is not null && UsernamePattern().IsMatch(username);

    public static bool IsValidPassword(string? password) => password is { Length: >= MinPasswordLength and <= MaxPasswordLength };

    /// <summary>Problems with a registration, keyed by field, as a validation problem lists them.</summary>
    public static Dictionary<string, string[]> Validate(string? username, string? password)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidUsername(username))
        {
            errors["username"] = ["The username must be 3 to 32 characters of a-z, 0-9, '_', '.' or '-'."];
        }

        if (!IsValidPassword(password))
        {
            errors["password"] = [$"The password must be {MinPasswordLength} to {MaxPasswordLength} characters."];
        }

        return errors;
    }

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"^[a-z0-9_.-]{3,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
