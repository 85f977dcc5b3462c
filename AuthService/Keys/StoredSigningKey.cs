namespace AuthService.Keys;

/// <summary>One row of <c>auth.signing_keys</c>.</summary>
public sealed record StoredSigningKey(
    string Kid,
    string Algorithm,
    string PublicJwk,
    byte[] PrivateKeyEncrypted,
    DateTimeOffset CreatedAt,
    SigningKeyTimeline Timeline);
