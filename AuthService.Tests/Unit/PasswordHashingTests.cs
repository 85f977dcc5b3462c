using AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthService.Tests.Unit;

/// <summary>The password hash format AuthService stores: the framework's versioned PBKDF2 (v3: HMAC-SHA512, 100k).</summary>
public sealed class PasswordHashingTests
{
    private static readonly User Someone = new(Guid.NewGuid(), "someone", string.Empty, DateTimeOffset.UnixEpoch, false);
    private readonly PasswordHasher<User> _hasher = new();

    [Fact]
    public void Round_trips_and_rejects_other_passwords()
    {
        var hash = _hasher.HashPassword(Someone, "correct horse battery staple");

        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(Someone, hash, "correct horse battery staple"));
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(Someone, hash, "correct horse battery stapl"));
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(Someone, hash, string.Empty));
    }

    [Fact]
    public void Hashes_are_version_3_salted_pbkdf2_sha512_with_at_least_100k_iterations()
    {
        var first = Convert.FromBase64String(_hasher.HashPassword(Someone, "same password"));
        var second = Convert.FromBase64String(_hasher.HashPassword(Someone, "same password"));

        Assert.Equal(0x01, first[0]);
        Assert.Equal(2u, ReadUInt32(first, 1)); // KeyDerivationPrf.HMACSHA512
        Assert.True(ReadUInt32(first, 5) >= 100_000);
        Assert.Equal(16u, ReadUInt32(first, 9)); // salt length
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void An_older_weaker_hash_verifies_but_asks_to_be_rehashed()
    {
        var weak = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { IterationCount = 10_000 }));
        var legacy = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }));

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, _hasher.VerifyHashedPassword(Someone, weak.HashPassword(Someone, "pw123456"), "pw123456"));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, _hasher.VerifyHashedPassword(Someone, legacy.HashPassword(Someone, "pw123456"), "pw123456"));
    }

    private static uint ReadUInt32(byte[] buffer, int offset) =>
        (uint)(buffer[offset] << 24 | buffer[offset + 1] << 16 | buffer[offset + 2] << 8 | buffer[offset + 3]);
}
