namespace ChatApi.Tests.Distributed.Outages;

/// <summary>How a dependency fails.</summary>
public enum OutageMode
{
    /// <summary>Stopped with its stop command (SIGTERM; PostgreSQL's fast shutdown): connections are refused or reset.</summary>
    Down,

    /// <summary>Frozen (SIGSTOP of its process tree): the kernel still accepts connections, nothing answers.</summary>
    Hung,
}
