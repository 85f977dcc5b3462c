using System.Globalization;
using System.Text.RegularExpressions;
using ChatApi.Agents.Tools;

namespace ChatApi.Agents.Models;

/// <summary>
/// The local model's rules, tried in this order on the prompt (case-insensitive); a rule applies only when its tool
/// is offered:
/// <list type="number">
/// <item><c>wait N</c> (the test-only <c>wait</c> tool) → <c>wait {seconds: N}</c>.</item>
/// <item><c>search …</c>, <c>search for …</c>, <c>find …</c>, <c>look up …</c>, <c>what did we say about …</c>
///   → <c>search_history {term}</c>: the first quoted text, else the rest of the sentence.</item>
/// <item>the words <c>time</c>, <c>date</c>, <c>today</c> or <c>clock</c> → <c>current_time</c>, with
///   <c>{timeZone}</c> when the prompt says <c>in Area/City</c> (or <c>in UTC</c>).</item>
/// <item><c>calculate …</c>, <c>compute …</c>, <c>evaluate …</c> → <c>calculate</c> with the rest as the expression;
///   otherwise the longest run of digits, operators and parentheses with an operator between two operands.</item>
/// <item>anything else: no tool; the answer summarises the room's latest messages.</item>
/// </list>
/// </summary>
public static partial class LocalPlanner
{
    public static LocalPlan Plan(string prompt, IReadOnlyCollection<string> tools)
    {
        if (tools.Contains(WaitTool.ToolName) && WaitRule().Match(prompt) is { Success: true } wait
            && int.TryParse(wait.Groups["seconds"].ValueSpan, CultureInfo.InvariantCulture, out var seconds))
        {
            return LocalPlan.Call(WaitTool.ToolName, $"The prompt asks me to wait {seconds} s; calling wait.", "seconds", seconds);
        }

        if (tools.Contains(SearchHistoryTool.ToolName) && SearchTerm(prompt) is { } term)
        {
            return LocalPlan.Call(SearchHistoryTool.ToolName, $"The prompt asks what the room said about \"{term}\"; calling search_history.", "term", term);
        }

        if (tools.Contains(CurrentTimeTool.ToolName) && TimeRule().IsMatch(prompt))
        {
            return TimeZoneRule().Match(prompt) is { Success: true } zone
                ? LocalPlan.Call(CurrentTimeTool.ToolName, $"The prompt asks for the time in {zone.Groups["zone"].Value}; calling current_time.", "timeZone", zone.Groups["zone"].Value)
                : LocalPlan.Call(CurrentTimeTool.ToolName, "The prompt asks for the time; calling current_time (UTC).");
        }

        if (tools.Contains(CalculateTool.ToolName) && Expression(prompt) is { } expression)
        {
            return LocalPlan.Call(CalculateTool.ToolName, $"The prompt is arithmetic; calling calculate with \"{expression}\".", "expression", expression);
        }

        return LocalPlan.NoTool("No tool fits this prompt; answering from the room's latest messages.");
    }

    private static string? SearchTerm(string prompt)
    {
        if (SearchRule().Match(prompt) is not { Success: true } match)
        {
            return null;
        }

        var quoted = Quoted().Match(prompt);
        var term = (quoted.Success ? quoted.Groups["text"].Value : match.Groups["term"].Value).Trim().TrimEnd('?', '!', '.').Trim();
        return term.Length is > 0 and <= SearchHistoryTool.MaxTermLength ? term : null;
    }

    private static string? Expression(string prompt)
    {
        if (CalculateRule().Match(prompt) is { Success: true } explicitly)
        {
            // Passed on as written, so a malformed expression reaches the tool and is reported as its error.
            return explicitly.Groups["expression"].Value.Trim().TrimEnd('?', '!', '.', '=').Trim();
        }

        string? longest = null;
        foreach (Match candidate in ArithmeticRun().Matches(prompt))
        {
            var text = candidate.Value.Trim();
            if (BinaryOperation().IsMatch(text) && text.Length > (longest?.Length ?? 0))
            {
                longest = text;
            }
        }

        return longest;
    }

    [GeneratedRegex(@"^\s*wait\s+(?<seconds>\d{1,3})\s*(s|sec|secs|seconds?)?\s*[.!]?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WaitRule();

    [GeneratedRegex(@"\b(?:search(?:\s+for)?|find|look\s+up|what\s+did\s+(?:we|you|they|people|i)\s+say\s+about)\s+(?<term>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SearchRule();

    [GeneratedRegex("[\"“«](?<text>[^\"”»]+)[\"”»]", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\b(?:time|date|today|clock)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeRule();

    [GeneratedRegex(@"\bin\s+(?<zone>UTC|[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+)", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZoneRule();

    [GeneratedRegex(@"^\s*(?:calculate|compute|evaluate)\b:?\s*(?<expression>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex CalculateRule();

    [GeneratedRegex(@"[0-9.()+\-*/^\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex ArithmeticRun();

    [GeneratedRegex(@"[0-9.)]\s*[-+*/^]\s*[-+(]*\s*[0-9.(]", RegexOptions.CultureInvariant)]
    private static partial Regex BinaryOperation();
}
