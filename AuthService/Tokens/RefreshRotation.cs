namespace AuthService.Tokens;

/// <summary>
/// The outcome of presenting a refresh token, with its session and user when the token was known, and when the
/// family was revoked if it had been before.
/// </summary>
public sealed record RefreshRotation(RefreshOutcome Outcome, Guid FamilyId = default, Guid UserId = default, DateTimeOffset? FamilyRevokedAt = null)
{
    public static RefreshRotation Rejected { get; } = new(RefreshOutcome.Rejected);
}
