namespace AuthService.Keys;

/// <summary>
/// The life of one signing key: published from creation, signs from <see cref="ActivatesAt"/> until
/// <see cref="RetiresAt"/>, stays in the JWKS until <see cref="ExpiresAt"/> (when the last token it signed has expired).
/// </summary>
public readonly record struct SigningKeyTimeline(DateTimeOffset ActivatesAt, DateTimeOffset RetiresAt, DateTimeOffset ExpiresAt);
