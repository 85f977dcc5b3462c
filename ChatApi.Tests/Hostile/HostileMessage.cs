using System.Net.WebSockets;
using System.Text;
using CsCheck;

namespace ChatApi.Tests.Hostile;

/// <summary>
/// One WebSocket message a hostile client sends: mostly a (mutated) JSON frame, sometimes bytes that are not UTF-8,
/// a binary message, one larger than the limit, or one that never ends (<see cref="Endless"/>: fragments past the limit,
/// and no last fragment).
/// </summary>
public sealed record HostileMessage(byte[] Payload, WebSocketMessageType Type, bool Endless)
{
    private const int Limit = 64 * 1024;

    public static Gen<HostileMessage> Any(Gen<string> rooms) =>
        Gen.Frequency(
            (94, HostileFrames.Any(rooms).Select(json => Text(Encoding.UTF8.GetBytes(json)))),
            (2, Gen.Select(HostileFrames.Any(rooms), Gen.Int[0, 1000], Gen.Byte[0x80, 0xFF], (json, at, value) =>
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                bytes[at % bytes.Length] = value;
                return Text(bytes);
            })),
            (1, HostileFrames.Any(rooms).Select(json => new HostileMessage(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Binary, Endless: false))),
            (1, Gen.Const(Text(Encoding.UTF8.GetBytes($$"""{"type":"ping","nonce":"{{new string('x', Limit)}}"}""")))),
            (1, Gen.Const(new HostileMessage(new byte[Limit + 4096], WebSocketMessageType.Text, Endless: true))));

    public override string ToString() =>
        $"{Type}{(Endless ? " endless" : string.Empty)} {Encoding.UTF8.GetString(Payload.AsSpan(0, Math.Min(Payload.Length, 200)))}";

    private static HostileMessage Text(byte[] payload) => new(payload, WebSocketMessageType.Text, Endless: false);
}
