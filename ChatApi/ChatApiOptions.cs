using System.ComponentModel.DataAnnotations;

namespace ChatApi;

/// <summary>Limits and timings of the chat protocol (section <c>Chat</c>). Defaults follow the contract.</summary>
public sealed class ChatApiOptions
{
    public const string SectionName = "Chat";

    /// <summary>Largest message a client may send, in bytes; larger closes with 1009.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Longest <c>text</c> of a <c>send</c>, in characters (Unicode scalar values); longer gets <c>text_too_long</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Sustained frames per second a connection may send; exceeding the burst closes with 1008.</summary>
    [Range(1, 100_000)]
    public double SendRatePerSecond { get; set; } = 20;

    [Range(1, 100_000)]
    public int SendBurst { get; set; } = 50;

    /// <summary>Open connections per user on this node; more get 429.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>Open connections on this node; more get 429.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerNode { get; set; } = 10_000;

    /// <summary>Rooms one connection may be in at once.</summary>
    [Range(1, 10_000)]
    public int MaxRoomsPerConnection { get; set; } = 100;

    /// <summary>Browser origins allowed to open a socket; a request with any other Origin gets 403. Clients without Origin are not browsers and pass.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Frames waiting for a slow client; when full the client is closed with 1013 instead of growing memory.</summary>
    [Range(8, 1_000_000)]
    public int OutboundQueueCapacity { get; set; } = 512;

    /// <summary>Interval of the server's WebSocket pings, which keep proxies from closing quiet connections.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A connection that sends no frame for this long is closed (1000). Pings answer pongs, so a live client stays.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages a <c>join</c> with <c>since</c> replays at most before falling back to the latest page (at least 1000).</summary>
    [Range(1000, 100_000)]
    public int RecoveryLimit { get; set; } = 1000;

    /// <summary>Size of the latest page and the default <c>history</c> limit.</summary>
    [Range(1, 200)]
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// The longest a session's call to chatdb or Redis may take (storing a batch of sends, a join's snapshot, a history
    /// page, subscribing a room) before the client gets <c>store_unavailable</c>. Well above a healthy batch (a few ms;
    /// hundreds under saturation), well below what a user waits for before giving up.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long shutdown waits for clients to acknowledge the 1012 close before the host goes on.</summary>
    public TimeSpan ShutdownCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a replica holds a room's message that arrived after a later id before reading the missing ids from
    /// chatdb. Another replica's publish is nearly always on its way (a few ms); a gap that outlives this is filled from
    /// chatdb (a publish lost with its replica, an id a resend left unused). Zero reads chatdb at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan GapWait { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most sends persisted in one transaction.</summary>
    [Range(1, 10_000)]
    public int PersistBatchSize { get; set; } = 256;
}
