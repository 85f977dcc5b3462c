using System.Text.Unicode;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatApi.Protocol;

/// <summary>
/// Turns one text message from a client into a request, an <c>error</c> answer, or a close code: invalid UTF-8 and
/// anything but a JSON object close with 1007, a missing or unknown <c>type</c> closes with 1008, a bad field is
/// answered with an <c>error</c> frame whose <c>ref</c> names the request.
/// </summary>
public sealed partial class ClientFrameParser(ChatApiOptions options)
{
    public const int MaxClientMsgIdLength = 128;
    public const int MaxPromptLength = 4000;
    private const int MaxHistoryLimit = 200;

    /// <summary>Parses <paramref name="utf8"/> in place (the receive buffer): no copy of the frame is made.</summary>
    public ParseResult Parse(ReadOnlyMemory<byte> utf8)
    {
        if (!Utf8.IsValid(utf8.Span))
        {
            return new ParseResult.Violation(CloseCodes.InvalidPayload, "invalid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return new ParseResult.Violation(CloseCodes.InvalidPayload, "not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ParseResult.Violation(CloseCodes.InvalidPayload, "not a JSON object");
            }

            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return new ParseResult.Violation(CloseCodes.PolicyViolation, "missing message type");
            }

            var type = typeElement.GetString()!;
            return type switch
            {
                "join" => ParseJoin(root),
                "leave" => ParseLeave(root),
                "send" => ParseSend(root),
                "history" => ParseHistory(root),
                "agent" => ParseAgent(root),
                "ping" => new ParseResult.Request(new PingRequest(root.TryGetProperty("nonce", out var nonce) ? nonce.Clone() : null)),
                _ => new ParseResult.Violation(CloseCodes.PolicyViolation, "unknown message type"),
            };
        }
    }

    /// <summary>Room names: 1-64 characters of letters, digits and <c>_ . : -</c>, starting with a letter or digit.</summary>
    public static bool IsValidRoom(string room) => RoomName().IsMatch(room);

    private static ParseResult ParseJoin(JsonElement root)
    {
        if (RoomOf(root, "join") is { } invalid)
        {
            return invalid;
        }

        long? since = null;
        if (root.TryGetProperty("since", out var sinceElement) && sinceElement.ValueKind != JsonValueKind.Null)
        {
            if (!sinceElement.TryGetInt64(out var value) || value < 0)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "since must be a message id (a non-negative integer).", "join");
            }

            since = value;
        }

        return new ParseResult.Request(new JoinRequest(root.GetProperty("room").GetString()!, since));
    }

    private static ParseResult ParseLeave(JsonElement root) =>
        RoomOf(root, "leave") ?? (ParseResult)new ParseResult.Request(new LeaveRequest(root.GetProperty("room").GetString()!));

    private ParseResult ParseSend(JsonElement root)
    {
        if (!root.TryGetProperty("clientMsgId", out var idElement) || idElement.ValueKind != JsonValueKind.String
            || idElement.GetString() is not { Length: > 0 and <= MaxClientMsgIdLength } clientMsgId)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidClientMsgId, $"clientMsgId must be a string of 1-{MaxClientMsgIdLength} characters.", "send");
        }

        if (RoomOf(root, clientMsgId) is { } invalid)
        {
            return invalid;
        }

        if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "text must be a string.", clientMsgId);
        }

        var text = textElement.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ParseResult.Rejected(ErrorCodes.TextEmpty, "text must not be empty.", clientMsgId);
        }

        if (text.EnumerateRunes().Count() > options.MaxTextLength)
        {
            return new ParseResult.Rejected(ErrorCodes.TextTooLong, $"text is longer than {options.MaxTextLength} characters.", clientMsgId);
        }

        return new ParseResult.Request(new SendRequest(root.GetProperty("room").GetString()!, text, clientMsgId));
    }

    private ParseResult ParseHistory(JsonElement root)
    {
        if (RoomOf(root, "history") is { } invalid)
        {
            return invalid;
        }

        long? before = null;
        if (root.TryGetProperty("before", out var beforeElement) && beforeElement.ValueKind != JsonValueKind.Null)
        {
            if (!beforeElement.TryGetInt64(out var value) || value < 1)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "before must be a message id (a positive integer).", "history");
            }

            before = value;
        }

        var limit = options.PageSize;
        if (root.TryGetProperty("limit", out var limitElement) && limitElement.ValueKind != JsonValueKind.Null)
        {
            if (!limitElement.TryGetInt32(out limit) || limit is < 1 or > MaxHistoryLimit)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidLimit, $"limit must be between 1 and {MaxHistoryLimit}.", "history");
            }
        }

        return new ParseResult.Request(new HistoryRequest(root.GetProperty("room").GetString()!, before, limit));
    }

    private static ParseResult ParseAgent(JsonElement root)
    {
        if (RoomOf(root, "agent") is { } invalid)
        {
            return invalid;
        }

        if (!root.TryGetProperty("prompt", out var promptElement) || promptElement.ValueKind != JsonValueKind.String
            || promptElement.GetString() is not { } prompt || string.IsNullOrWhiteSpace(prompt) || prompt.Length > MaxPromptLength)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidPrompt, $"prompt must be a non-empty string of at most {MaxPromptLength} characters.", "agent");
        }

        return new ParseResult.Request(new AgentRequest(root.GetProperty("room").GetString()!, prompt));
    }

    private static ParseResult.Rejected? RoomOf(JsonElement root, string reference) =>
        root.TryGetProperty("room", out var room) && room.ValueKind == JsonValueKind.String && IsValidRoom(room.GetString()!)
            ? null
            : new ParseResult.Rejected(ErrorCodes.InvalidRoom, "room must be 1-64 characters of letters, digits, '_', '.', ':' or '-'.", reference);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoomName();
}
