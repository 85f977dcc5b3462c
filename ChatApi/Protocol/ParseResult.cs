using System.Net.WebSockets;

namespace ChatApi.Protocol;

/// <summary>What the receive loop does with one client frame.</summary>
public abstract record ParseResult
{
    private ParseResult()
    {
    }

    /// <summary>A valid request.</summary>
    public sealed record Request(ClientFrame Frame) : ParseResult;

    /// <summary>A request with a bad field: answered with an <c>error</c> frame, the session goes on.</summary>
    public sealed record Rejected(string Code, string Message, string? Ref) : ParseResult;

    /// <summary>A protocol violation that ends the session with <paramref name="Status"/>.</summary>
    public sealed record Violation(WebSocketCloseStatus Status, string Reason) : ParseResult;
}
