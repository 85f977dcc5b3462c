using ChatApi.Messages;
using Microsoft.Extensions.Options;

namespace ChatApi.Agents;

/// <summary>
/// Answers go through <see cref="MessageWriter"/> like any send: numbered, durable, then published to the room on every
/// replica. The run id is the idempotence key, so a run's answer is stored at most once.
/// </summary>
public sealed class ChatAnswerStore(MessageWriter writer, IOptions<ChatApiOptions> options) : IAnswerStore
{
    /// <summary>The sender id and name of answers. User ids are AuthService GUIDs, so no user shares this id.</summary>
    public const string Sender = "assistant";

    public async Task<StoreResult> StoreAsync(string room, string runId, string answer, CancellationToken cancellationToken)
    {
        var stored = await writer.EnqueueAsync(new NewMessage(room, Sender, Sender, Fit(answer), $"agent:{runId}"), cancellationToken);
        return await stored;
    }

    // Messages obey the contract's text limit whoever writes them; a longer answer is cut.
    private string Fit(string answer)
    {
        var limit = options.Value.MaxTextLength;
        if (answer.Length <= limit)
        {
            return answer;
        }

        var runes = answer.EnumerateRunes().ToList();
        return runes.Count <= limit ? answer : string.Concat(runes.Take(limit - 1).Select(rune => rune.ToString())) + "…";
    }
}
