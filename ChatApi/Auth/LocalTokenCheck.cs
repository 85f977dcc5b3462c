namespace ChatApi.Auth;

/// <summary>The first step of validation: the JWT itself, checked against AuthService's signing keys.</summary>
internal abstract record LocalTokenCheck
{
    private LocalTokenCheck()
    {
    }

    /// <summary>Genuine and in date; not yet known to be unrevoked.</summary>
    public sealed record Passed(AuthenticatedUser User) : LocalTokenCheck;

    /// <summary>Malformed, wrong algorithm or header, bad signature/issuer/audience/type, expired, unknown kid.</summary>
    public sealed record Invalid(string Reason) : LocalTokenCheck;

    /// <summary>
    /// No signing key can be had (AuthService unreachable and none cached). Carries the token's unverified ids so the
    /// caches can still recognise a token that some replica already validated.
    /// </summary>
    public sealed record Unavailable(string Reason, string TokenId, string? SessionId) : LocalTokenCheck;
}
