namespace ChatApi.Messages;

/// <summary>A message to store: who sends what to which room, and the client's idempotence key.</summary>
public sealed record NewMessage(string Room, string SenderId, string Sender, string Text, string ClientMsgId);
