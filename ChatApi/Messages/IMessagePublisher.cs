using System.Diagnostics;
using ChatApi.Protocol;

namespace ChatApi.Messages;

/// <summary>Announces a stored message to every replica (Redis pub/sub), after it is durable.</summary>
public interface IMessagePublisher
{
    Task PublishAsync(StoredMessage message, ActivityContext origin);
}
