using System.Net.WebSockets;

namespace ChatApi.Protocol;

/// <summary>The contract's close codes. 1012 and 1013 have no name in <see cref="WebSocketCloseStatus"/>.</summary>
public static class CloseCodes
{
    public const WebSocketCloseStatus Normal = WebSocketCloseStatus.NormalClosure;
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;
    public const WebSocketCloseStatus InvalidPayload = WebSocketCloseStatus.InvalidPayloadData;
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;

    /// <summary>An unexpected server bug only; never a known dependency outage.</summary>
    public const WebSocketCloseStatus InternalError = WebSocketCloseStatus.InternalServerError;

    /// <summary>Service restart: the client reconnects (elsewhere) and resumes with <c>since</c>.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>Try again later: overload, or the auth/database path is unavailable.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
}
