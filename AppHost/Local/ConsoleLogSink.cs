namespace AppHost.Local;

/// <summary>Prefixes each line with its resource name, coloured per resource when the console supports it.</summary>
public sealed class ConsoleLogSink : ILogSink
{
    private static readonly string[] Palette = ["36", "32", "35", "33", "34", "96", "92", "95", "93", "94"];
    private readonly Dictionary<string, string> _colours = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly bool _useColour =
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Write(string source, string line, bool isError = false)
    {
        lock (_gate)
        {
            if (!_colours.TryGetValue(source, out var colour))
            {
                colour = source == LocalDistributedApplication.LogSource ? "1" : Palette[_colours.Count % Palette.Length];
                _colours[source] = colour;
            }

            var prefix = $"{source,-12}";
            Console.Out.WriteLine(_useColour
                ? $"\u001b[{colour}m{prefix}\u001b[0m {(isError ? "\u001b[31m" : string.Empty)}{line}{(isError ? "\u001b[0m" : string.Empty)}"
                : $"{prefix} {line}");
        }
    }
}
