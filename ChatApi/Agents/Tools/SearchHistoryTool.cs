using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApi.Agents.Tools;

/// <summary><c>search_history</c>: the newest messages of the run's room that contain a term (case-insensitive).</summary>
public sealed class SearchHistoryTool(IRoomHistory history, IOptions<AgentOptions> options) : IAgentTool
{
    public const string ToolName = "search_history";
    public const int MaxTermLength = 100;
    public const int MaxTextLength = 500;

    public string Name => ToolName;

    // Bound to the run's room: the model chooses the term, never the room.
    public AIFunction CreateFunction(AgentToolScope scope) => AIFunctionFactory.Create(
        ([Description("The word or phrase to look for")] string term, CancellationToken cancellationToken) =>
            SearchAsync(scope.Room, term, cancellationToken),
        new AIFunctionFactoryOptions
        {
            Name = ToolName,
            Description = "Searches this chat room's history for messages containing a word or phrase; returns the newest matches.",
            SerializerOptions = ToolJsonContext.FunctionOptions,
        });

    public async Task<SearchResults> SearchAsync(string room, string term, CancellationToken cancellationToken)
    {
        term = term?.Trim() ?? string.Empty;
        if (term.Length is 0 or > MaxTermLength)
        {
            throw new AgentToolException($"the search term must be 1-{MaxTermLength} characters");
        }

        IReadOnlyList<Protocol.StoredMessage> found;
        try
        {
            found = await history.SearchAsync(room, term, options.Value.SearchResultLimit, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new AgentToolException("the message store is unavailable", exception);
        }

        return new SearchResults(term, found.Count, [.. found.Select(message => new SearchHit(message.Id, message.Sender, Cap(message.Text)))]);
    }

    private static string Cap(string text) => text.Length <= MaxTextLength ? text : string.Concat(text.AsSpan(0, MaxTextLength), "…");

    public sealed record SearchResults(string Term, int Count, IReadOnlyList<SearchHit> Messages);

    public sealed record SearchHit(long Id, string Sender, string Text);
}
