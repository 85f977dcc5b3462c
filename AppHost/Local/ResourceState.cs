namespace AppHost.Local;

public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Stopping,
    Stopped,
    Failed,
}
