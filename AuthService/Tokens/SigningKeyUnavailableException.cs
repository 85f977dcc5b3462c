namespace AuthService.Tokens;

/// <summary>No signing key can be used right now (the database has been unreachable since the last one retired).</summary>
public sealed class SigningKeyUnavailableException() : Exception("No signing key is available.");
