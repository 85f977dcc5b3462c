using System.Collections.Concurrent;
using AppHost.Local;

namespace ChatApi.Tests.Infrastructure;

/// <summary>Keeps every line each resource prints, for assertions (no secrets in logs) and for failure reports.</summary>
public sealed class TestLogSink : ILogSink
{
    private static readonly bool Echo = Environment.GetEnvironmentVariable("TEST_ECHO_LOGS") == "1";
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new(StringComparer.Ordinal);

    public void Write(string source, string line, bool isError = false)
    {
        _lines.GetOrAdd(source, _ => new()).Enqueue(line);
        if (Echo)
        {
            Console.WriteLine($"{source,-12} {line}");
        }
    }

    public string LogsOf(string source) =>
        _lines.TryGetValue(source, out var lines) ? string.Join(Environment.NewLine, lines) : string.Empty;

    /// <summary>The last lines of every resource, for the message of a failed start.</summary>
    public string Tail(int lines = 40) => string.Join(
        Environment.NewLine,
        _lines.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .SelectMany(pair => pair.Value.TakeLast(lines).Select(line => $"{pair.Key,-12} {line}")));
}
