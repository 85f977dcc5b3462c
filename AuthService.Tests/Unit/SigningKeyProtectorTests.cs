using System.Security.Cryptography;
using AuthService.Keys;

namespace AuthService.Tests.Unit;

/// <summary>Private signing keys at rest: AES-256-GCM under a key derived from the configured secret.</summary>
public sealed class SigningKeyProtectorTests
{
    private const string Secret = "bG9jYWwtdGVzdC1zZWNyZXQtMzItY2hhcmFjdGVycy1sb25n";
    private readonly SigningKeyProtector _protector = new(Secret);

    [Fact]
    public void Round_trips_a_private_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = key.ExportPkcs8PrivateKey();

        var protectedKey = _protector.Protect("kid-1", pkcs8);

        Assert.Equal(pkcs8, _protector.Unprotect("kid-1", protectedKey));
        Assert.Equal(1, protectedKey[0]);
        Assert.Equal(1 + 12 + 16 + pkcs8.Length, protectedKey.Length);
    }

    [Fact]
    public void Encrypting_twice_gives_different_ciphertexts()
    {
        byte[] secretKey = [1, 2, 3, 4];

        Assert.NotEqual(_protector.Protect("kid", secretKey), _protector.Protect("kid", secretKey));
    }

    [Fact]
    public void Another_secret_cannot_decrypt()
    {
        var protectedKey = _protector.Protect("kid-1", [1, 2, 3, 4]);

        Assert.ThrowsAny<CryptographicException>(() => new SigningKeyProtector(Secret + "x").Unprotect("kid-1", protectedKey));
    }

    [Fact]
    public void A_ciphertext_moved_to_another_key_id_does_not_decrypt()
    {
        var protectedKey = _protector.Protect("kid-1", [1, 2, 3, 4]);

        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect("kid-2", protectedKey));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(31)]
    public void Any_altered_byte_is_detected(int index)
    {
        var protectedKey = _protector.Protect("kid-1", [1, 2, 3, 4]);
        protectedKey[index] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect("kid-1", protectedKey));
    }

    [Fact]
    public void Truncated_input_is_rejected()
    {
        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect("kid-1", new byte[10]));
    }
}
