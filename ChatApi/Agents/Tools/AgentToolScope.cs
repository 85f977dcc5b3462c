namespace ChatApi.Agents.Tools;

/// <summary>Whom a tool call works for: the run's room and the user who started the run.</summary>
public sealed record AgentToolScope(string Room, string UserId);
