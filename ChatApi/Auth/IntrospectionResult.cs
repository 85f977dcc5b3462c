namespace ChatApi.Auth;

/// <summary>AuthService's answer to <c>POST /auth/introspect</c>, or why there was none.</summary>
internal abstract record IntrospectionResult
{
    private IntrospectionResult()
    {
    }

    /// <summary>The token is active: not revoked, not expired.</summary>
    public sealed record Active(AuthenticatedUser User) : IntrospectionResult;

    /// <summary><c>{active:false}</c>: revoked, expired or unknown to AuthService.</summary>
    public sealed record Inactive : IntrospectionResult;

    /// <summary>No usable answer: transport failure, timeout, open circuit, 5xx, malformed answer.</summary>
    public sealed record Unavailable(string Reason) : IntrospectionResult;
}
