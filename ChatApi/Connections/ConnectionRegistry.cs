using System.Collections.Concurrent;
using ChatApi.Auth;
using ChatApi.Protocol;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;

namespace ChatApi.Connections;

/// <summary>
/// The node's sessions: enforces the per-user and per-node caps before an upgrade (429), ends sessions whose token
/// or login session is revoked (1008), and hands shutdown the list of sessions to close (1012).
/// </summary>
public sealed partial class ConnectionRegistry(IOptions<ChatApiOptions> options, ILogger<ConnectionRegistry> logger) : IRevocationObserver
{
    private readonly ConcurrentDictionary<string, ChatConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _reserved;

    public int Count => _connections.Count;

    /// <summary>Takes a slot for <paramref name="userId"/>, or says which cap is reached.</summary>
    public CapCheck TryReserve(string userId)
    {
        var limits = options.Value;
        lock (_gate)
        {
            if (_reserved >= limits.MaxConnectionsPerNode)
            {
                return CapCheck.NodeFull;
            }

            var current = _perUser.GetValueOrDefault(userId);
            if (current >= limits.MaxConnectionsPerUser)
            {
                return CapCheck.UserFull;
            }

            _perUser[userId] = current + 1;
            _reserved++;
            return CapCheck.Reserved;
        }
    }

    public void Release(string userId)
    {
        lock (_gate)
        {
            _reserved--;
            if (_perUser.TryGetValue(userId, out var count) && count > 1)
            {
                _perUser[userId] = count - 1;
            }
            else
            {
                _perUser.Remove(userId);
            }
        }
    }

    public void Add(ChatConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ChatConnection connection) => _connections.TryRemove(connection.Id, out _);

    public IReadOnlyCollection<ChatConnection> Snapshot() => [.. _connections.Values];

    public void OnRevoked(RevocationNotice notice)
    {
        foreach (var connection in _connections.Values)
        {
            var user = connection.User;
            if ((notice.TokenId is not null && user.TokenId == notice.TokenId)
                || (notice.SessionId is not null && user.SessionId == notice.SessionId))
            {
                LogRevoked(logger, connection.Id, user.TokenId);
                connection.RequestClose(CloseCodes.PolicyViolation, "token revoked");
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Closing connection {ConnectionId}: token {TokenId} was revoked")]
    private static partial void LogRevoked(ILogger logger, string connectionId, string tokenId);
}

public enum CapCheck
{
    Reserved,
    UserFull,
    NodeFull,
}
