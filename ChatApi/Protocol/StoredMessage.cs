namespace ChatApi.Protocol;

/// <summary>A stored chat message, as <c>message</c> frames and the message lists of <c>joined</c>/<c>history</c> carry it.</summary>
public sealed record StoredMessage(string Room, long Id, string SenderId, string Sender, string Text, DateTimeOffset SentAt, string? ClientMsgId);
