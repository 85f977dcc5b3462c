using ChatApi.Protocol;

namespace ChatApi.Messages;

/// <summary>The outcome of storing a message: only <see cref="Stored"/> may be acknowledged.</summary>
public abstract record StoreResult
{
    private StoreResult()
    {
    }

    /// <summary>Durable in chatdb. <paramref name="Duplicate"/>: a resend of an already stored clientMsgId, answered with the original.</summary>
    public sealed record Stored(StoredMessage Message, bool Duplicate) : StoreResult;

    /// <summary>Not stored (database unavailable, shutting down); the client may resend with the same clientMsgId.</summary>
    public sealed record Failed(string Reason) : StoreResult;

    /// <summary>
    /// Never stored as sent, whatever the state of the store: its clientMsgId names a message in another room, or the
    /// store refused its content. Answered with <paramref name="Code"/>; a resend of the same send fails again.
    /// </summary>
    public sealed record Refused(string Code, string Reason) : StoreResult;
}
