using System.Globalization;
using ChatApi.Auth;
using ChatApi.Connections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Apis;

/// <summary>
/// <c>GET /ws</c>: everything that can be refused is refused as plain HTTP before the upgrade, so a client always
/// learns why: 503 + Retry-After (not ready, or the token cannot be checked now), 403 (origin), 401 (token),
/// 429 (connection caps). Only then is the socket accepted and the session run.
/// </summary>
public static class ChatSocketApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ws", ConnectAsync)
            .WithName("ChatSocket")
            .WithSummary("Opens a chat session over WebSocket (see docs/protocol.md).");
        return app;
    }

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ConnectAsync(HttpContext context, [AsParameters] ChatSocketServices services)
    {
        var connectionId = Guid.NewGuid().ToString("N");
        var state = new ConnectionStateMachine(connectionId, services.Telemetry, services.Logger);

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Refuse(state, services, StatusCodes.Status400BadRequest, "A WebSocket upgrade request is required.");
        }

        if (!services.Readiness.IsReady(out var notReady))
        {
            context.Response.Headers.RetryAfter = "2";
            return Refuse(state, services, StatusCodes.Status503ServiceUnavailable, notReady);
        }

        if (!services.Origins.IsAllowed(context.Request.Headers.Origin))
        {
            return Refuse(state, services, StatusCodes.Status403Forbidden, "This origin may not open chat sessions.");
        }

        if (BearerToken.From(context.Request) is not { } token)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Refuse(state, services, StatusCodes.Status401Unauthorized, "A bearer token is required.");
        }

        AuthenticatedUser user;
        switch (await services.Tokens.ValidateAsync(token, context.RequestAborted))
        {
            case TokenValidationResult.Valid valid:
                user = valid.User;
                break;
            case TokenValidationResult.Unavailable unavailable:
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Refuse(state, services, StatusCodes.Status503ServiceUnavailable, "The token cannot be validated right now; retry later.");
            default:
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                return Refuse(state, services, StatusCodes.Status401Unauthorized, "The token is invalid, expired or revoked.");
        }

        state.TryMove(ConnectionState.Authenticated, "token valid");
        switch (services.Registry.TryReserve(user.UserId))
        {
            case CapCheck.UserFull:
                return Refuse(state, services, StatusCodes.Status429TooManyRequests, "Too many open sessions for this user.");
            case CapCheck.NodeFull:
                context.Response.Headers.RetryAfter = "5";
                return Refuse(state, services, StatusCodes.Status429TooManyRequests, "This node has no room for more sessions.");
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = services.Session.Options.Value.KeepAliveInterval,
            });
            var connection = new ChatConnection(connectionId, user, socket, state, services.Session);
            services.Registry.Add(connection);
            try
            {
                await connection.RunAsync(context.RequestAborted);
            }
            finally
            {
                services.Registry.Remove(connection);
            }
        }
        finally
        {
            services.Registry.Release(user.UserId);
        }

        return TypedResults.Empty;
    }

    private static ProblemHttpResult Refuse(ConnectionStateMachine state, ChatSocketServices services, int status, string detail)
    {
        state.TryMove(ConnectionState.Closed, $"refused with {status}");
        services.Telemetry.Rejected(status);
        return TypedResults.Problem(statusCode: status, detail: detail);
    }
}
