namespace ChatApi.Tests.Distributed.Outages;

/// <summary>What the randomized run does to a resource.</summary>
public enum FaultKind
{
    /// <summary>SIGSTOP of its process tree for the hold, then SIGCONT: hung.</summary>
    Freeze,

    /// <summary>SIGKILL of its process tree; started again after the hold.</summary>
    Kill,

    /// <summary>Its stop command (SIGTERM; PostgreSQL's fast shutdown; a ChatApi replica closes its sessions with 1012); started again after the hold.</summary>
    Stop,
}
