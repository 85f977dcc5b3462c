namespace AppHost.Local;

public enum UnixSignal
{
    /// <summary>SIGINT: PostgreSQL's "fast shutdown".</summary>
    Interrupt,

    /// <summary>SIGTERM: graceful stop for .NET services and Redis.</summary>
    Terminate,

    /// <summary>SIGKILL: a crash, as far as everyone else can tell.</summary>
    Kill,

    /// <summary>SIGSTOP: the process hangs; sockets stay open and nothing answers.</summary>
    Stop,

    /// <summary>SIGCONT: resumes a stopped process.</summary>
    Continue,
}
