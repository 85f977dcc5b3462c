namespace ChatApi.Auth;

/// <summary>What the shared (Redis) layer knows about a token: validated by some replica, revoked, neither, or nothing now.</summary>
internal abstract record DistributedTokenLookup
{
    private DistributedTokenLookup()
    {
    }

    public sealed record Hit(AuthenticatedUser User) : DistributedTokenLookup;

    /// <summary>AuthService's denylist names the token's jti or sid.</summary>
    public sealed record Revoked : DistributedTokenLookup;

    public sealed record Miss : DistributedTokenLookup;

    /// <summary>Redis is down or slow: carry on without it.</summary>
    public sealed record Unavailable(string Reason) : DistributedTokenLookup;
}
