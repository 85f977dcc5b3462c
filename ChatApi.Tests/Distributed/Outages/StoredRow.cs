namespace ChatApi.Tests.Distributed.Outages;

/// <summary>One row of <c>chat.messages</c>, as far as the checks need it.</summary>
public sealed record StoredRow(string Room, long Id, string SenderId, string? ClientMsgId);
