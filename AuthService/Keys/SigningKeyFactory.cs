using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthService.Keys;

/// <summary>Creates new ES256 keys for storage, and turns stored keys into usable ones.</summary>
public sealed partial class SigningKeyFactory(SigningKeyProtector protector, ILogger<SigningKeyFactory> logger)
{
    public StoredSigningKey Create(SigningKeyTimeline timeline, DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = PublicSigningKey.From(ecdsa.ExportParameters(includePrivateParameters: false));
        var kid = publicKey.Thumbprint();
        var privateKey = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            return new StoredSigningKey(kid, SigningKey.Algorithm, publicKey.ToJson(), protector.Protect(kid, privateKey), now, timeline);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>
    /// The usable key, or null for a row this version cannot use. A private key that does not decrypt (another
    /// secret) leaves a verification-only key: tokens it signed stay valid, and this replica signs with its own.
    /// </summary>
    public SigningKey? Load(StoredSigningKey stored)
    {
        if (stored.Algorithm != SigningKey.Algorithm)
        {
            LogUnsupportedAlgorithm(logger, stored.Kid, stored.Algorithm);
            return null;
        }

        PublicSigningKey publicKey;
        try
        {
            publicKey = PublicSigningKey.Parse(stored.PublicJwk);
        }
        catch (Exception exception) when (exception is FormatException or System.Text.Json.JsonException)
        {
            LogUnreadablePublicKey(logger, stored.Kid);
            return null;
        }

        var verificationKey = new ECDsaSecurityKey(ECDsa.Create(publicKey.ToParameters())) { KeyId = stored.Kid };
        return new SigningKey(stored.Kid, stored.Timeline, publicKey, verificationKey, DecryptCredentials(stored));
    }

    private SigningCredentials? DecryptCredentials(StoredSigningKey stored)
    {
        byte[]? privateKey = null;
        try
        {
            privateKey = protector.Unprotect(stored.Kid, stored.PrivateKeyEncrypted);
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(privateKey, out _);
            return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = stored.Kid }, SigningKey.Algorithm);
        }
        catch (CryptographicException)
        {
            LogUndecryptable(logger, stored.Kid);
            return null;
        }
        finally
        {
            if (privateKey is not null)
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Signing key {Kid} cannot be decrypted with the configured Auth:SigningKeyEncryptionSecret (every replica needs the same secret); it only verifies tokens.")]
    private static partial void LogUndecryptable(ILogger logger, string kid);

    [LoggerMessage(LogLevel.Warning, "Signing key {Kid} uses unsupported algorithm {Algorithm}; ignored.")]
    private static partial void LogUnsupportedAlgorithm(ILogger logger, string kid, string algorithm);

    [LoggerMessage(LogLevel.Warning, "Signing key {Kid} has an unreadable public key; ignored.")]
    private static partial void LogUnreadablePublicKey(ILogger logger, string kid);
}
