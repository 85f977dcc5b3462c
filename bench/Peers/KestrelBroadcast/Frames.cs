using System.Buffers;
using System.Text.Json;

namespace KestrelBroadcast;

/// <summary>The server's two frames, written straight to UTF-8 JSON.</summary>
public static class Frames
{
    public static byte[] Joined(string room) => Write(writer =>
    {
        writer.WriteString("type"u8, "joined"u8);
        writer.WriteString("room"u8, room);
    });

    public static byte[] Message(string room, string text) => Write(writer =>
    {
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("room"u8, room);
        writer.WriteString("text"u8, text);
    });

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
