using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatBench.Clients;

/// <summary>The SignalR peer through the official client: WebSockets only, negotiation skipped, JSON hub protocol.</summary>
internal sealed class SignalRClient : IChatClient
{
    private readonly HubConnection _connection;
    private volatile bool _closing;

    private SignalRClient(HubConnection connection, IDeliverySink sink)
    {
        _connection = connection;
        _connection.On<string, string>("message", (_, text) => sink.Delivered(MessageText.StampOf(text)));
        _connection.Closed += exception =>
        {
            if (!_closing)
            {
                sink.Failed($"connection closed: {exception?.Message ?? "by the server"}");
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Connects; the session is open once the hub handshake is answered.</summary>
    public static async Task<SignalRClient> ConnectAsync(Uri server, IDeliverySink sink, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/chat"), HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
        var client = new SignalRClient(connection, sink);
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public Task JoinAsync(string room, CancellationToken cancellationToken) => _connection.InvokeAsync("Join", room, cancellationToken);

    public ValueTask SendAsync(string room, string text) => new(_connection.SendAsync("Send", room, text));

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _connection.DisposeAsync();
    }
}
