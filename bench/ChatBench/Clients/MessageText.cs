using System.Buffers.Text;
using System.Globalization;

namespace ChatBench.Clients;

/// <summary>
/// The text of every benchmark message: "<c>{send timestamp}|{step}.{member}.{sequence}|xxx…</c>", 100 characters.
/// The timestamp (<see cref="System.Diagnostics.Stopwatch"/>, this process) is when the message was due, so a sender
/// that falls behind shows as latency instead of hiding it; the middle part makes the text unique in the run.
/// </summary>
internal static class MessageText
{
    public const int Length = 100;

    public static string Create(long dueTimestamp, int step, int member, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{dueTimestamp}|{step}.{member}.{sequence}|").PadRight(Length, 'x');

    /// <summary>The unique head of a text ("<c>{timestamp}|{step}.{member}.{sequence}</c>"): our clientMsgId.</summary>
    public static ReadOnlySpan<char> Id(string text) => text.AsSpan(0, text.IndexOf('|', text.IndexOf('|') + 1));

    public static long StampOf(ReadOnlySpan<char> text) =>
        long.Parse(text[..text.IndexOf('|')], NumberStyles.None, CultureInfo.InvariantCulture);

    public static long StampOf(ReadOnlySpan<byte> utf8Text) =>
        Utf8Parser.TryParse(utf8Text, out long stamp, out var consumed) && consumed < utf8Text.Length && utf8Text[consumed] == (byte)'|'
            ? stamp
            : throw new FormatException($"Not a benchmark text: {System.Text.Encoding.UTF8.GetString(utf8Text)}");
}
