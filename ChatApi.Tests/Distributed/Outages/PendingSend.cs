namespace ChatApi.Tests.Distributed.Outages;

/// <summary>A send not yet acknowledged: resent (same clientMsgId) after a refusal or a reconnect until it is.</summary>
public sealed class PendingSend(string clientMsgId, string room, string text)
{
    public string ClientMsgId { get; } = clientMsgId;

    public string Room { get; } = room;

    public string Text { get; } = text;

    /// <summary>Sent on the current session and not answered yet.</summary>
    public bool InFlight { get; set; }

    /// <summary>Not to be sent again before this time (the run's clock): the back-off after a refusal.</summary>
    public TimeSpan NotBefore { get; set; }

    public int Attempts { get; set; }
}
