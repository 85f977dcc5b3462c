using System.Net.WebSockets;
using System.Text;

namespace ChatBench.Clients;

/// <summary>The bare Kestrel peer's minimal JSON frames (<c>bench/Peers/KestrelBroadcast</c>); no auth, no acks.</summary>
internal sealed class BroadcastClient : WebSocketClient
{
    private BroadcastClient(ClientWebSocket socket, IDeliverySink sink)
        : base(socket, sink)
    {
    }

    /// <summary>Connects; the session is open once the upgrade is answered (the peer sends no greeting).</summary>
    public static async Task<BroadcastClient> ConnectAsync(Uri server, IDeliverySink sink, CancellationToken cancellationToken)
    {
        var socket = CreateSocket();
        try
        {
            await socket.ConnectAsync(new UriBuilder(server) { Scheme = "ws", Path = "/ws" }.Uri, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new BroadcastClient(socket, sink);
    }

    public override ValueTask SendAsync(string room, string text) =>
        SendFrameAsync(Encoding.UTF8.GetBytes($$"""{"type":"send","room":"{{room}}","text":"{{text}}"}"""));

    protected override void OnFrame(ReadOnlySpan<byte> frame)
    {
        if (JsonFrame.Is(frame, "\"type\":\"message\""u8))
        {
            Sink.Delivered(MessageText.StampOf(JsonFrame.StringAfter(frame, "\"text\":\""u8)));
        }
        else if (JsonFrame.Is(frame, "\"type\":\"joined\""u8))
        {
            Joined();
        }
        else
        {
            Sink.Failed($"unexpected frame: {Encoding.UTF8.GetString(frame)}");
        }
    }
}
