namespace ChatApi.Auth;

/// <summary>Decides whether a bearer token may open a chat session (the WebSocket path's only authentication).</summary>
public interface ITokenValidator
{
    ValueTask<TokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken);
}
