using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace AuthService.Users;

/// <summary>
/// Registration and password checks. Hashes use the framework's <see cref="PasswordHasher{TUser}"/> (versioned
/// format, PBKDF2-HMAC-SHA512, 100k iterations); a hash in an older format is replaced on the next successful login.
/// </summary>
public sealed partial class UserAccounts(UserStore store, IPasswordHasher<User> hasher, TimeProvider timeProvider, ILogger<UserAccounts> logger)
{
    private static readonly User NobodyUser = new(Guid.Empty, string.Empty, string.Empty, DateTimeOffset.UnixEpoch, Disabled: true);

    // A current-format hash of a password nobody knows: an unknown username costs the same verification as a known one.
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(NobodyUser, RandomNumberGenerator.GetHexString(32)));

    /// <summary>Creates the user; null when the username is taken.</summary>
    public async Task<User?> RegisterAsync(string username, string password, CancellationToken cancellationToken)
    {
        var normalised = CredentialRules.NormalisePassword(password) ?? throw new ArgumentException("The password is not valid Unicode.", nameof(password));
        var now = timeProvider.GetUtcNow();
        var user = new User(Guid.CreateVersion7(now), username, string.Empty, now, Disabled: false);
        user = user with { PasswordHash = hasher.HashPassword(user, normalised) };
        return await store.TryCreateAsync(user, cancellationToken) ? user : null;
    }

    /// <summary>The user when the credentials are right and the account is enabled; otherwise null, after the same work.</summary>
    public async Task<User?> VerifyCredentialsAsync(string? username, string? password, CancellationToken cancellationToken)
    {
        var user = CredentialRules.IsValidUsername(username)
            ? await store.FindByUsernameAsync(username!, cancellationToken)
            : null;
        var candidate = CredentialRules.NormalisePassword(password) ?? string.Empty;
        // Hashes made before passwords were normalised hold the password as it was typed: a non-NFC input gets a
        // second try as typed, and on success its hash is replaced by the NFC one. An NFC input (all ASCII, and what
        // most keyboards produce) verifies exactly as before.
        var asTyped = password is not null && !string.Equals(password, candidate, StringComparison.Ordinal) && candidate.Length > 0 ? password : null;

        if (user is null)
        {
            // The same number of verifications as for a real user, so timing tells nothing.
            hasher.VerifyHashedPassword(NobodyUser, _dummyHash.Value, candidate);
            if (asTyped is not null)
            {
                hasher.VerifyHashedPassword(NobodyUser, _dummyHash.Value, asTyped);
            }

            return null;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, candidate);
        var rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        if (result == PasswordVerificationResult.Failed && asTyped is not null)
        {
            result = hasher.VerifyHashedPassword(user, user.PasswordHash, asTyped);
            rehash = result != PasswordVerificationResult.Failed;
        }

        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (rehash)
        {
            await store.UpdatePasswordHashAsync(user.Id, user.PasswordHash, hasher.HashPassword(user, candidate), cancellationToken);
            LogPasswordRehashed(logger, user.Id);
        }

        return user.Disabled ? null : user;
    }

    [LoggerMessage(LogLevel.Information, "Upgraded the password hash of user {UserId} to the current format (or to its normalised password).")]
    private static partial void LogPasswordRehashed(ILogger logger, Guid userId);
}
