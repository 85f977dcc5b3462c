namespace ChatApi.Auth;

/// <summary>The three answers the WebSocket path needs: let in (101), refuse (401), or "not now" (503 + Retry-After).</summary>
public abstract record TokenValidationResult
{
    private TokenValidationResult()
    {
    }

    /// <summary>The token is genuine, in date and not revoked.</summary>
    public sealed record Valid(AuthenticatedUser User) : TokenValidationResult;

    /// <summary>The token is missing, malformed, expired, revoked, or fails signature/issuer/audience: 401.</summary>
    public sealed record Invalid(string Reason) : TokenValidationResult;

    /// <summary>The token cannot be validated now (auth path down, circuit open, nothing cached): 503 + Retry-After.</summary>
    public sealed record Unavailable(TimeSpan RetryAfter, string Reason) : TokenValidationResult;
}
