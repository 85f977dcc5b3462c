using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatApi.Agents.Tools;

namespace ChatApi.Agents.Models;

/// <summary>How the local model words its answers: from a tool's result, or from the room's latest messages.</summary>
public static class LocalAnswers
{
    private const int QuoteLength = 200;

    public static string FromToolResult(string tool, JsonElement result) => tool switch
    {
        CalculateTool.ToolName when Has(result, "expression", "value") =>
            $"{result.GetProperty("expression").GetString()} = {result.GetProperty("value").GetRawText()}",
        CurrentTimeTool.ToolName when Has(result, "time", "timeZone") =>
            $"It is {result.GetProperty("time").GetString()} in {result.GetProperty("timeZone").GetString()}.",
        SearchHistoryTool.ToolName when Has(result, "term", "messages") => FromSearch(result),
        WaitTool.ToolName when Has(result, "seconds") => $"Waited {result.GetProperty("seconds").GetRawText()} s.",
        _ => $"{tool} answered: {Quote(result.ToString())}",
    };

    public static string FromTranscript(IReadOnlyList<AgentConversation.TranscriptEntry> transcript)
    {
        if (transcript.Count == 0)
        {
            return "There are no messages in this room yet. I can calculate (\"calculate (2 + 3) * 4\"), tell the time "
                + "(\"what time is it in Europe/Paris?\") or search this room (\"what did we say about the release?\").";
        }

        var senders = transcript
            .GroupBy(entry => entry.Sender, StringComparer.Ordinal)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Key} ({group.Count()})");
        var latest = transcript[^1];
        var people = transcript.Select(entry => entry.Sender).Distinct(StringComparer.Ordinal).Count();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"The last {Plural(transcript.Count, "message")} here came from {Plural(people, "sender")}: {string.Join(", ", senders)}. "
            + $"The latest, #{latest.Id} from {latest.Sender}: \"{Quote(latest.Text)}\".");
    }

    private static string FromSearch(JsonElement result)
    {
        var term = result.GetProperty("term").GetString();
        var messages = result.GetProperty("messages");
        if (messages.GetArrayLength() == 0)
        {
            return $"No message in this room mentions \"{term}\".";
        }

        var answer = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Plural(messages.GetArrayLength(), "message")} mention \"{term}\":");
        foreach (var message in messages.EnumerateArray())
        {
            answer.Append(CultureInfo.InvariantCulture, $"\n#{message.GetProperty("id").GetRawText()} {message.GetProperty("sender").GetString()}: {Quote(message.GetProperty("text").GetString() ?? string.Empty)}");
        }

        return answer.ToString();
    }

    private static bool Has(JsonElement result, params string[] properties) =>
        result.ValueKind == JsonValueKind.Object && properties.All(property => result.TryGetProperty(property, out _));

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    private static string Quote(string text) => text.Length <= QuoteLength ? text : string.Concat(text.AsSpan(0, QuoteLength), "…");
}
