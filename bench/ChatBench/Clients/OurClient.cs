using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace ChatBench.Clients;

/// <summary>Our protocol (<c>docs/protocol.md</c>): bearer token on the upgrade, a <c>welcome</c> first, <c>ack</c> per stored send.</summary>
internal sealed class OurClient : WebSocketClient
{
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OurClient(ClientWebSocket socket, IDeliverySink sink)
        : base(socket, sink)
    {
    }

    /// <summary>Connects and waits for the <c>welcome</c> frame: the session is fully open then.</summary>
    public static async Task<OurClient> ConnectAsync(Uri replica, string token, IDeliverySink sink, CancellationToken cancellationToken)
    {
        var socket = CreateSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new UriBuilder(replica) { Scheme = "ws", Path = "/ws" }.Uri, cancellationToken);
        }
        catch (WebSocketException exception) when (socket.HttpStatusCode == HttpStatusCode.ServiceUnavailable)
        {
            socket.Dispose();
            throw new ServiceUnavailableException($"{replica} answered 503", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new OurClient(socket, sink);
        try
        {
            await client._welcomed.Task.WaitAsync(cancellationToken);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public override ValueTask SendAsync(string room, string text) =>
        SendFrameAsync(Encoding.UTF8.GetBytes($$"""{"type":"send","room":"{{room}}","text":"{{text}}","clientMsgId":"{{MessageText.Id(text)}}"}"""));

    protected override void OnFrame(ReadOnlySpan<byte> frame)
    {
        if (JsonFrame.Is(frame, "\"type\":\"message\""u8))
        {
            Sink.Delivered(MessageText.StampOf(JsonFrame.StringAfter(frame, "\"text\":\""u8)));
        }
        else if (JsonFrame.Is(frame, "\"type\":\"ack\""u8))
        {
            Sink.Acknowledged(MessageText.StampOf(JsonFrame.StringAfter(frame, "\"clientMsgId\":\""u8)));
        }
        else if (JsonFrame.Is(frame, "\"type\":\"joined\""u8))
        {
            Joined();
        }
        else if (JsonFrame.Is(frame, "\"type\":\"welcome\""u8))
        {
            _welcomed.TrySetResult();
        }
        else
        {
            Sink.Failed($"unexpected frame: {Encoding.UTF8.GetString(frame)}");
        }
    }
}
