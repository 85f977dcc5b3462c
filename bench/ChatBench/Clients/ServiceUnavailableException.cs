namespace ChatBench.Clients;

/// <summary>The server answered the upgrade with 503: not ready now (ours: a dependency or the auth path); try again.</summary>
internal sealed class ServiceUnavailableException(string message, Exception inner) : Exception(message, inner);
