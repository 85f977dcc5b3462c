namespace AuthService.Tokens;

/// <summary>What presenting a refresh token did.</summary>
public enum RefreshOutcome
{
    /// <summary>The token was live: it is now spent and its successor stored.</summary>
    Rotated,

    /// <summary>The token had been spent already: the whole family is now revoked.</summary>
    ReuseDetected,

    /// <summary>The token belongs to a family revoked earlier (logout, or reuse before).</summary>
    FamilyRevoked,

    /// <summary>Unknown or expired.</summary>
    Rejected,
}
