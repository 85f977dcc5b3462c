namespace AppHost.Local;

/// <summary>Where the orchestrator sends its own messages and every line its children print.</summary>
public interface ILogSink
{
    void Write(string source, string line, bool isError = false);
}
