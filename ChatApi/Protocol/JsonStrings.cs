using System.Text.Json;

namespace ChatApi.Protocol;

/// <summary>
/// Reading a client's JSON strings without letting an exception out. JSON may escape a lone surrogate
/// (<c>"\ud800"</c>): the document parses, but <see cref="JsonElement.GetString"/>, property-name lookups and
/// enumeration throw <see cref="InvalidOperationException"/> when they unescape it.
/// </summary>
internal static class JsonStrings
{
    /// <summary>The string value of <paramref name="element"/> (a JSON string); null when it is not valid UTF-16.</summary>
    public static string? Read(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="value"/> holds a C0 control character (U+0000-U+001F). With
    /// <paramref name="allowLineBreaks"/>, tab, line feed and carriage return are allowed (multi-line messages).
    /// </summary>
    public static bool HasControlCharacters(string value, bool allowLineBreaks)
    {
        foreach (var c in value)
        {
            if (c < ' ' && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when every string and property name inside <paramref name="element"/> is valid UTF-16 without control
    /// characters, so echoing it can neither fail nor smuggle controls. Depth is bounded by the document's MaxDepth.
    /// </summary>
    public static bool IsPrintable(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Read(element) is { } text && !HasControlCharacters(text, allowLineBreaks: false);
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsPrintable(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                try
                {
                    foreach (var property in element.EnumerateObject())
                    {
                        if (HasControlCharacters(property.Name, allowLineBreaks: false) || !IsPrintable(property.Value))
                        {
                            return false;
                        }
                    }
                }
                catch (InvalidOperationException)
                {
                    // A property name that is not valid UTF-16.
                    return false;
                }

                return true;
            default:
                return true;
        }
    }
}
