namespace ChatBench.Clients;

/// <summary>One member's connection to a system under test, whatever its protocol.</summary>
internal interface IChatClient : IAsyncDisposable
{
    /// <summary>Completes once the system says the member is in the room (messages sent from now on reach it).</summary>
    Task JoinAsync(string room, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="text"/> (a <see cref="MessageText"/>) to the room; completes once written to the socket.</summary>
    ValueTask SendAsync(string room, string text);
}
