namespace ChatBench.Clients;

/// <summary>
/// Reads the few fields the load generator needs straight from a server frame's UTF-8 JSON, without parsing it: at
/// hundreds of thousands of frames a second the client must stay cheaper than the servers it measures. Safe for the
/// frames read here: a key pattern such as <c>"text":"</c> cannot occur inside a JSON string (its quotes would be escaped).
/// </summary>
internal static class JsonFrame
{
    /// <summary>Whether the frame's <c>type</c> is <paramref name="typePattern"/> (e.g. <c>"type":"message"</c>).</summary>
    public static bool Is(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> typePattern) => frame.IndexOf(typePattern) >= 0;

    /// <summary>The raw (still escaped) value of the string field that <paramref name="keyPattern"/> (<c>"key":"</c>) opens.</summary>
    public static ReadOnlySpan<byte> StringAfter(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> keyPattern)
    {
        var start = frame.IndexOf(keyPattern);
        if (start < 0)
        {
            return [];
        }

        var value = frame[(start + keyPattern.Length)..];
        for (var index = 0; index < value.Length; index++)
        {
            if (value[index] == (byte)'\\')
            {
                index++;
            }
            else if (value[index] == (byte)'"')
            {
                return value[..index];
            }
        }

        return [];
    }
}
