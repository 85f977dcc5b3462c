using Microsoft.IdentityModel.Tokens;
using ServiceDefaults.AuthPath;

namespace AuthService.Keys;

/// <summary>
/// A signing key as loaded in memory: its public half (JWKS, validation) and, when this replica could decrypt it,
/// the credentials to sign with.
/// </summary>
public sealed class SigningKey(string kid, SigningKeyTimeline timeline, PublicSigningKey publicKey, ECDsaSecurityKey verificationKey, SigningCredentials? credentials)
{
    public const string Algorithm = AccessTokenFormat.Algorithm;

    public string Kid { get; } = kid;

    public SigningKeyTimeline Timeline { get; } = timeline;

    public PublicSigningKey PublicKey { get; } = publicKey;

    public ECDsaSecurityKey VerificationKey { get; } = verificationKey;

    /// <summary>Null when the stored private key could not be decrypted with this replica's secret.</summary>
    public SigningCredentials? Credentials { get; } = credentials;
}
