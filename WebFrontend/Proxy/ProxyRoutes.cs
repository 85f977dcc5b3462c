using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace WebFrontend.Proxy;

/// <summary>
/// What the browser reaches through this origin: AuthService's token API (POST only) and ChatApi's WebSocket.
/// The destinations are service names; service discovery turns them into the addresses the AppHost handed out
/// (<c>services:authservice:http:0</c>, <c>services:chatapi:http:0</c>, Aspire's proxy in front of the replicas).
/// </summary>
public static class ProxyRoutes
{
    public const string AuthCluster = "authservice";
    public const string ChatCluster = "chatapi";

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        new RouteConfig
        {
            RouteId = "auth",
            ClusterId = AuthCluster,
            Match = new RouteMatch { Path = "/auth/{**rest}", Methods = ["POST"] },
        },
        new RouteConfig
        {
            // The browser's own WebSocket: the token travels as ?access_token=, forwarded untouched.
            RouteId = "chat",
            ClusterId = ChatCluster,
            Match = new RouteMatch { Path = "/ws", Methods = ["GET"] },
        },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        new ClusterConfig
        {
            ClusterId = AuthCluster,
            Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
            {
                [AuthCluster] = new() { Address = "http://authservice" },
            },
            // A person is waiting on a sign-in: a hung AuthService is an answer after 10 s, not after YARP's 100 s.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(10) },
        },
        new ClusterConfig
        {
            ClusterId = ChatCluster,
            Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
            {
                [ChatCluster] = new() { Address = "http://chatapi" },
            },
        },
    ];
}
