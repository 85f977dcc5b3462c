using System.Security.Cryptography;
using System.Text;
using AuthService.Configuration;
using Microsoft.Extensions.Options;

namespace AuthService.Keys;

/// <summary>
/// Encrypts private signing keys for storage: AES-256-GCM under a key derived with HKDF-SHA256 from
/// <c>Auth:SigningKeyEncryptionSecret</c>. The key id is authenticated data, so a ciphertext cannot be moved to
/// another row. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SigningKeyProtector
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;
    private static readonly byte[] DerivationInfo = "chat-authservice/signing-keys/aes-256-gcm/v1"u8.ToArray();

    private readonly byte[] _key;

    public SigningKeyProtector(IOptions<AuthOptions> options)
        : this(options.Value.SigningKeyEncryptionSecret)
    {
    }

    internal SigningKeyProtector(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), outputLength: 32, salt: [], info: DerivationInfo);
    }

    public byte[] Protect(string kid, ReadOnlySpan<byte> privateKey)
    {
        var output = new byte[HeaderSize + privateKey.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        var tag = output.AsSpan(1 + NonceSize, TagSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, privateKey, output.AsSpan(HeaderSize), tag, Encoding.UTF8.GetBytes(kid));
        return output;
    }

    /// <summary>Decrypts a stored private key.</summary>
    /// <exception cref="CryptographicException">The data was encrypted under another secret, for another key id, or altered.</exception>
    public byte[] Unprotect(string kid, ReadOnlySpan<byte> protectedKey)
    {
        if (protectedKey.Length < HeaderSize || protectedKey[0] != FormatVersion)
        {
            throw new CryptographicException("Unknown protected signing key format.");
        }

        var plaintext = new byte[protectedKey.Length - HeaderSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(
            protectedKey.Slice(1, NonceSize),
            protectedKey[HeaderSize..],
            protectedKey.Slice(1 + NonceSize, TagSize),
            plaintext,
            Encoding.UTF8.GetBytes(kid));
        return plaintext;
    }
}
