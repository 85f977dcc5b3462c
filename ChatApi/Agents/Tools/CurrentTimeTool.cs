using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary><c>current_time</c>: the current time (from <see cref="TimeProvider"/>) in UTC or an IANA time zone.</summary>
public sealed partial class CurrentTimeTool : IAgentTool
{
    public const string ToolName = "current_time";

    private readonly TimeProvider _timeProvider;
    private readonly AIFunction _function;

    public CurrentTimeTool(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _function = AIFunctionFactory.Create(
            Now,
            new AIFunctionFactoryOptions
            {
                Name = ToolName,
                Description = "Returns the current date and time (ISO 8601) in UTC or in the given IANA time zone.",
                SerializerOptions = ToolJsonContext.FunctionOptions,
            });
    }

    public string Name => ToolName;

    public AIFunction CreateFunction(AgentToolScope scope) => _function;

    public CurrentTime Now([Description("An IANA time zone such as Europe/Paris; UTC when omitted")] string? timeZone = null)
    {
        var zone = TimeZoneInfo.Utc;
        var name = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        if (name is not ("UTC" or "Etc/UTC"))
        {
            // Names only: the id reaches the file system on Unix, so nothing but IANA characters gets there.
            if (name.Length > 64 || !IanaName().IsMatch(name) || !TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found))
            {
                throw new AgentToolException($"unknown time zone \"{Shorten(name)}\"; use an IANA name such as Europe/Paris");
            }

            zone = found;
        }

        var now = TimeZoneInfo.ConvertTime(_timeProvider.GetUtcNow(), zone);
        return new CurrentTime(now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), name);
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IanaName();

    public sealed record CurrentTime(string Time, string TimeZone);
}
