using System.Buffers.Text;
using System.Text;

namespace ChatApi.Rooms;

/// <summary>
/// What goes over a room's Redis channel: <c>{id}\n{sentAt, Unix ms}\n{traceparent}\n{message frame}</c>. The frame is
/// serialised once, by the replica that stored the message, and every replica hands those bytes to its members as
/// they are; the header is all a sequencer reads.
/// </summary>
internal static class RoomEnvelope
{
    private const byte Separator = (byte)'\n';

    public static byte[] Write(long id, DateTimeOffset sentAt, string? traceParent, ReadOnlySpan<byte> frame)
    {
        var header = Encoding.ASCII.GetBytes($"{id}\n{sentAt.ToUnixTimeMilliseconds()}\n{traceParent}\n");
        var payload = new byte[header.Length + frame.Length];
        header.CopyTo(payload, 0);
        frame.CopyTo(payload.AsSpan(header.Length));
        return payload;
    }

    public static bool TryRead(ReadOnlyMemory<byte> payload, out long id, out DateTimeOffset sentAt, out string? traceParent, out ReadOnlyMemory<byte> frame)
    {
        (id, sentAt, traceParent, frame) = (0, default, null, default);
        var span = payload.Span;
        if (!TryTakeLine(ref span, out var idText) || !Utf8Parser.TryParse(idText, out id, out var idLength) || idLength != idText.Length || id <= 0
            || !TryTakeLine(ref span, out var sentText) || !Utf8Parser.TryParse(sentText, out long sentMs, out var sentLength) || sentLength != sentText.Length
            || !TryTakeLine(ref span, out var traceText) || span.IsEmpty)
        {
            return false;
        }

        try
        {
            sentAt = DateTimeOffset.FromUnixTimeMilliseconds(sentMs);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        traceParent = traceText.IsEmpty ? null : Encoding.ASCII.GetString(traceText);
        frame = payload[^span.Length..];
        return true;
    }

    private static bool TryTakeLine(ref ReadOnlySpan<byte> span, out ReadOnlySpan<byte> line)
    {
        var end = span.IndexOf(Separator);
        if (end < 0)
        {
            line = default;
            return false;
        }

        line = span[..end];
        span = span[(end + 1)..];
        return true;
    }
}
