using System.Text.Unicode;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatApi.Protocol;

/// <summary>
/// Turns one text message from a client into a request, an <c>error</c> answer, or a close code: invalid UTF-8 and
/// anything but a JSON object close with 1007, a missing or unknown <c>type</c> closes with 1008, a bad field is
/// answered with an <c>error</c> frame whose <c>ref</c> names the request. It never throws, whatever the input:
/// strings are read through <see cref="JsonStrings"/> (a lone surrogate escape is a bad field, not an exception),
/// numbers only from JSON numbers, and C0 control characters are refused everywhere but line breaks and tabs in <c>text</c> and <c>prompt</c>.
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

            string? type = null;
            try
            {
                if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                {
                    return new ParseResult.Violation(CloseCodes.PolicyViolation, "missing message type");
                }

                // A type that is not valid UTF-16 cannot name a known type.
                type = JsonStrings.Read(typeElement);
                return type switch
                {
                    "join" => ParseJoin(root),
                    "leave" => ParseLeave(root),
                    "send" => ParseSend(root),
                    "history" => ParseHistory(root),
                    "agent" => ParseAgent(root),
                    "ping" => ParsePing(root),
                    _ => new ParseResult.Violation(CloseCodes.PolicyViolation, "unknown message type"),
                };
            }
            catch (InvalidOperationException)
            {
                // Values are read through JsonStrings; only a property name that is not valid UTF-16 gets here
                // (a lookup unescapes every name it passes).
                return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "A property name is not valid Unicode (a lone surrogate).", type);
            }
        }
    }

    /// <summary>Room names: 1-64 characters of letters, digits and <c>_ . : -</c>, starting with a letter or digit.</summary>
    public static bool IsValidRoom(string room) => RoomName().IsMatch(room);

    private static ParseResult ParseJoin(JsonElement root)
    {
        if (RoomOf(root, "join", out var room) is { } invalid)
        {
            return invalid;
        }

        long? since = null;
        if (root.TryGetProperty("since", out var sinceElement) && sinceElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryGetInteger(sinceElement, out var value) || value < 0)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "since must be a message id (a non-negative integer).", "join");
            }

            since = value;
        }

        return new ParseResult.Request(new JoinRequest(room, since));
    }

    private static ParseResult ParseLeave(JsonElement root) =>
        RoomOf(root, "leave", out var room) ?? (ParseResult)new ParseResult.Request(new LeaveRequest(room));

    private ParseResult ParseSend(JsonElement root)
    {
        if (!root.TryGetProperty("clientMsgId", out var idElement) || idElement.ValueKind != JsonValueKind.String
            || JsonStrings.Read(idElement) is not { Length: > 0 and <= MaxClientMsgIdLength } clientMsgId
            || JsonStrings.HasControlCharacters(clientMsgId, allowLineBreaks: false))
        {
            return new ParseResult.Rejected(
                ErrorCodes.InvalidClientMsgId, $"clientMsgId must be a string of 1-{MaxClientMsgIdLength} characters without control characters.", "send");
        }

        if (RoomOf(root, clientMsgId, out var room) is { } invalid)
        {
            return invalid;
        }

        if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "text must be a string.", clientMsgId);
        }

        // Line breaks and tabs are normal in a message; other controls (NUL above all: PostgreSQL refuses it) are not.
        if (JsonStrings.Read(textElement) is not { } text || JsonStrings.HasControlCharacters(text, allowLineBreaks: true))
        {
            return new ParseResult.Rejected(
                ErrorCodes.InvalidCharacters, "text must be valid Unicode without control characters other than tab and line breaks.", clientMsgId);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new ParseResult.Rejected(ErrorCodes.TextEmpty, "text must not be empty.", clientMsgId);
        }

        if (text.EnumerateRunes().Count() > options.MaxTextLength)
        {
            return new ParseResult.Rejected(ErrorCodes.TextTooLong, $"text is longer than {options.MaxTextLength} characters.", clientMsgId);
        }

        return new ParseResult.Request(new SendRequest(room, text, clientMsgId));
    }

    private ParseResult ParseHistory(JsonElement root)
    {
        if (RoomOf(root, "history", out var room) is { } invalid)
        {
            return invalid;
        }

        long? before = null;
        if (root.TryGetProperty("before", out var beforeElement) && beforeElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryGetInteger(beforeElement, out var value) || value < 1)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidRequest, "before must be a message id (a positive integer).", "history");
            }

            before = value;
        }

        var limit = options.PageSize;
        if (root.TryGetProperty("limit", out var limitElement) && limitElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryGetInteger(limitElement, out var value) || value is < 1 or > MaxHistoryLimit)
            {
                return new ParseResult.Rejected(ErrorCodes.InvalidLimit, $"limit must be between 1 and {MaxHistoryLimit}.", "history");
            }

            limit = (int)value;
        }

        return new ParseResult.Request(new HistoryRequest(room, before, limit));
    }

    private static ParseResult ParseAgent(JsonElement root)
    {
        if (RoomOf(root, "agent", out var room) is { } invalid)
        {
            return invalid;
        }

        if (!root.TryGetProperty("prompt", out var promptElement) || promptElement.ValueKind != JsonValueKind.String)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidPrompt, $"prompt must be a non-empty string of at most {MaxPromptLength} characters.", "agent");
        }

        // A prompt, like a message, may span lines.
        if (JsonStrings.Read(promptElement) is not { } prompt || JsonStrings.HasControlCharacters(prompt, allowLineBreaks: true))
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidCharacters, "prompt must be valid Unicode without control characters other than tab and line breaks.", "agent");
        }

        if (string.IsNullOrWhiteSpace(prompt) || prompt.Length > MaxPromptLength)
        {
            return new ParseResult.Rejected(ErrorCodes.InvalidPrompt, $"prompt must be a non-empty string of at most {MaxPromptLength} characters.", "agent");
        }

        return new ParseResult.Request(new AgentRequest(room, prompt));
    }

    /// <summary>The nonce may be any JSON value, echoed as sent; its strings must be printable so the echo cannot fail.</summary>
    private static ParseResult ParsePing(JsonElement root)
    {
        if (!root.TryGetProperty("nonce", out var nonce))
        {
            return new ParseResult.Request(new PingRequest(null));
        }

        return JsonStrings.IsPrintable(nonce)
            ? new ParseResult.Request(new PingRequest(nonce.Clone()))
            : new ParseResult.Rejected(ErrorCodes.InvalidCharacters, "nonce must hold valid Unicode without control characters.", "ping");
    }

    /// <summary>A JSON number that is an integer within 64 bits; any other kind (a string, true, an object...) is not.</summary>
    private static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static ParseResult.Rejected? RoomOf(JsonElement root, string reference, out string room)
    {
        room = root.TryGetProperty("room", out var element) && element.ValueKind == JsonValueKind.String ? JsonStrings.Read(element) ?? string.Empty : string.Empty;
        return IsValidRoom(room)
            ? null
            : new ParseResult.Rejected(ErrorCodes.InvalidRoom, "room must be 1-64 characters of letters, digits, '_', '.', ':' or '-'.", reference);
    }

    // \z, not $: $ also matches before a trailing newline, which let "general\n" in as a room of its own.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoomName();
}
