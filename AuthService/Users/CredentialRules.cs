using System.Text;
using System.Text.RegularExpressions;

namespace AuthService.Users;

/// <summary>
/// What a username and a password must look like (the contract's rules). Passwords follow NIST SP 800-63B: any
/// Unicode, normalised to NFC before hashing or verifying (so the same password typed as composed or decomposed
/// characters is the same password), its length counted in code points. Usernames are ASCII only: nothing to normalise.
/// </summary>
public static partial class CredentialRules
{
    /// <summary>Code points.</summary>
    public const int MinPasswordLength = 8;

    /// <summary>Code points.</summary>
    public const int MaxPasswordLength = 128;

    /// <summary>A code point is at most two UTF-16 units; anything longer is refused before any work on it.</summary>
    public const int MaxPasswordUtf16Length = 2 * MaxPasswordLength;

    public static bool IsValidUsername(string? username) => username is not null && UsernamePattern().IsMatch(username);

    public static bool IsValidPassword(string? password) =>
        NormalisePassword(password) is { } normalised
        && CodePoints(normalised) is >= MinPasswordLength and <= MaxPasswordLength;

    /// <summary>
    /// The password as it is hashed: NFC. Null when it is not a string of code points at all (a lone surrogate) or is
    /// far too long to be a valid password.
    /// </summary>
    public static string? NormalisePassword(string? password)
    {
        if (password is null || password.Length > MaxPasswordUtf16Length || Ascii.IsValid(password))
        {
            // ASCII is already NFC; most passwords take this way.
            return password is { Length: <= MaxPasswordUtf16Length } ? password : null;
        }

        try
        {
            return password.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate) has no normal form.
            return null;
        }
    }

    public static int CodePoints(string text) => text.EnumerateRunes().Count();

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
            errors["password"] = [$"The password must be {MinPasswordLength} to {MaxPasswordLength} characters (Unicode code points)."];
        }

        return errors;
    }

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"^[a-z0-9_.-]{3,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
