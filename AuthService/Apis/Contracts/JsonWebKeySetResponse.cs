namespace AuthService.Apis.Contracts;

/// <summary>The JWKS document (RFC 7517): public keys only.</summary>
public sealed record JsonWebKeySetResponse(IReadOnlyList<JsonWebKeyResponse> Keys);
