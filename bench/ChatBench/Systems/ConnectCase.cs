using ChatBench.Clients;

namespace ChatBench.Systems;

/// <summary>
/// One kind of connect for the connect-rate measurement. <see cref="ConnectAsync"/> takes the connector's number and
/// completes with null when the case has nothing left to connect with (its fresh tokens are used up).
/// </summary>
internal sealed record ConnectCase(string Name, Func<int, IDeliverySink, CancellationToken, Task<IChatClient?>> ConnectAsync);
