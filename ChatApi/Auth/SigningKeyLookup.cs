using Microsoft.IdentityModel.Tokens;

namespace ChatApi.Auth;

/// <summary>The signing key a token names by its <c>kid</c>: found, unknown to AuthService, or not knowable now.</summary>
internal abstract record SigningKeyLookup
{
    private SigningKeyLookup()
    {
    }

    public sealed record Found(JsonWebKey Key) : SigningKeyLookup;

    /// <summary>AuthService's current key set (fetched within the cooldown) has no such kid.</summary>
    public sealed record Unknown : SigningKeyLookup;

    /// <summary>No key set could be fetched: AuthService unreachable.</summary>
    public sealed record Unavailable(string Reason) : SigningKeyLookup;
}
