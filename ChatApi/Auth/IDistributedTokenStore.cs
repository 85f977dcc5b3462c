namespace ChatApi.Auth;

/// <summary>
/// The validations shared by all replicas, and AuthService's denylist, read in one round trip. Redis in production
/// (<see cref="RedisDistributedTokenStore"/>); an in-memory double in unit tests.
/// </summary>
internal interface IDistributedTokenStore
{
    /// <summary>Never throws for an outage: answers <see cref="DistributedTokenLookup.Unavailable"/>.</summary>
    Task<DistributedTokenLookup> LookupAsync(string tokenHash, string tokenId, string? sessionId, CancellationToken cancellationToken);

    /// <summary>Best effort: a failure to store is logged, not thrown.</summary>
    Task StoreAsync(string tokenHash, AuthenticatedUser user, TimeSpan timeToLive, CancellationToken cancellationToken);
}
