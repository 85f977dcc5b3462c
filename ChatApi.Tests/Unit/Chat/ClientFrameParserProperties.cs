using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ChatApi.Protocol;
using ChatApi.Tests.Hostile;
using CsCheck;

namespace ChatApi.Tests.Unit.Chat;

/// <summary>The parser against generated input: hostile bytes never escape as an exception, and valid frames come back as they were sent.</summary>
public sealed class ClientFrameParserProperties
{
    private static readonly ChatApiOptions Options = new();
    private static readonly HashSet<string> StableCodes =
        [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetValue(null)!)];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ClientFrameParser _parser = new(Options);

    [Fact]
    public void Any_bytes_are_answered_with_a_result_never_an_exception() =>
        Gen.Byte.Array[0, 512].Sample(bytes => AssertContractAnswer(_parser.Parse(bytes)), iter: 20_000);

    [Fact]
    public void Any_json_object_is_answered_with_a_result_never_an_exception() =>
        JsonObjects.Sample(json => AssertContractAnswer(_parser.Parse(Encoding.UTF8.GetBytes(json))), iter: 20_000);

    [Fact]
    public void Mutated_frames_are_answered_with_an_error_code_or_a_contract_close_never_an_exception() =>
        HostileFrames.Any(HostileFrames.ValidRooms).Sample(json => AssertContractAnswer(_parser.Parse(Encoding.UTF8.GetBytes(json))), iter: 50_000);

    [Fact]
    public void Mutated_frames_with_bytes_flipped_are_answered_never_an_exception() =>
        Gen.Select(HostileFrames.Mutated(HostileFrames.ValidRooms), Gen.Int[0, 1000], Gen.Byte).Sample((json, at, value) =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            bytes[at % bytes.Length] = value;
            AssertContractAnswer(_parser.Parse(bytes));
        }, iter: 20_000);

    /// <summary>
    /// The invariant: a result, never an exception; a close only with 1007/1008/1009; an <c>error</c> only with a
    /// stable code; and whatever is answered (the error's ref, a ping's nonce) can be serialised, and a request holds
    /// only valid Unicode without refused control characters.
    /// </summary>
    private static void AssertContractAnswer(ParseResult result)
    {
        switch (result)
        {
            case ParseResult.Violation violation:
                Assert.Contains(violation.Status, new[] { WebSocketCloseStatus.InvalidPayloadData, WebSocketCloseStatus.PolicyViolation, WebSocketCloseStatus.MessageTooBig });
                break;
            case ParseResult.Rejected rejected:
                Assert.Contains(rejected.Code, StableCodes);
                JsonSerializer.SerializeToUtf8Bytes(new ErrorFrame(rejected.Code, rejected.Message, rejected.Ref), ChatJsonContext.Default.ErrorFrame);
                AssertPrintable(rejected.Ref ?? string.Empty, allowLineBreaks: false);
                break;
            case ParseResult.Request { Frame: var frame }:
                switch (frame)
                {
                    case SendRequest send:
                        Assert.True(ClientFrameParser.IsValidRoom(send.Room));
                        AssertPrintable(send.Text, allowLineBreaks: true);
                        AssertPrintable(send.ClientMsgId, allowLineBreaks: false);
                        break;
                    case AgentRequest agent:
                        Assert.True(ClientFrameParser.IsValidRoom(agent.Room));
                        AssertPrintable(agent.Prompt, allowLineBreaks: true);
                        break;
                    case JoinRequest join:
                        Assert.True(ClientFrameParser.IsValidRoom(join.Room));
                        break;
                    case LeaveRequest leave:
                        Assert.True(ClientFrameParser.IsValidRoom(leave.Room));
                        break;
                    case HistoryRequest history:
                        Assert.True(ClientFrameParser.IsValidRoom(history.Room));
                        break;
                    case PingRequest ping:
                        JsonSerializer.SerializeToUtf8Bytes(new PongFrame(ping.Nonce), ChatJsonContext.Default.PongFrame);
                        break;
                }

                break;
            default:
                Assert.Fail("no result");
                break;
        }
    }

    private static void AssertPrintable(string value, bool allowLineBreaks)
    {
        StrictUtf8.GetByteCount(value);
        Assert.DoesNotContain(value, c => c < ' ' && !(allowLineBreaks && c is '\t' or '\n' or '\r'));
    }

    [Fact]
    public void A_valid_send_round_trips_and_an_invalid_one_is_rejected_with_its_reference() =>
        Gen.Select(Rooms, Gen.String[0, Options.MaxTextLength + 20], Gen.String[0, ClientFrameParser.MaxClientMsgIdLength + 10])
            .Sample((room, text, clientMsgId) =>
            {
                var json = JsonSerializer.Serialize(new { type = "send", room, text, clientMsgId });
                switch (_parser.Parse(Encoding.UTF8.GetBytes(json)))
                {
                    case ParseResult.Request { Frame: SendRequest send }:
                        Assert.Equal((room, text, clientMsgId), (send.Room, send.Text, send.ClientMsgId));
                        Assert.InRange(text.Length, 1, Options.MaxTextLength);
                        break;
                    case ParseResult.Rejected rejected:
                        // The client learns which send failed (its clientMsgId when it has a usable one).
                        Assert.False(string.IsNullOrEmpty(rejected.Code));
                        Assert.NotNull(rejected.Ref);
                        break;
                    case var other:
                        Assert.Fail($"a well-formed send frame was answered with {other}");
                        break;
                }
            });

    [Fact]
    public void A_valid_join_keeps_its_room_and_since() =>
        Gen.Select(Rooms, Gen.Long[1, long.MaxValue].Nullable()).Sample((room, since) =>
        {
            var json = since is null
                ? JsonSerializer.Serialize(new { type = "join", room })
                : JsonSerializer.Serialize(new { type = "join", room, since });
            var join = Assert.IsType<JoinRequest>(Assert.IsType<ParseResult.Request>(_parser.Parse(Encoding.UTF8.GetBytes(json))).Frame);
            Assert.Equal((room, since), (join.Room, join.Since));
        });

    private static Gen<string> Rooms => HostileFrames.ValidRooms;

    /// <summary>Objects with a known or unknown type and fields of every JSON kind, right or wrong.</summary>
    private static Gen<string> JsonObjects =>
        Gen.Select(
            Gen.OneOf("join", "leave", "send", "history", "agent", "ping", "shout", ""),
            Gen.Select(Gen.OneOf("room", "text", "clientMsgId", "since", "before", "limit", "prompt", "nonce", "x"), Gen.OneOf(JsonValues, HostileFrames.HostileValue), (name, value) => (Name: name, Value: value)).Array[0, 6])
        .Select((type, fields) =>
        {
            var builder = new StringBuilder("{\"type\":").Append(JsonSerializer.Serialize(type));
            foreach (var property in fields)
            {
                builder.Append(',').Append(JsonSerializer.Serialize(property.Name)).Append(':').Append(property.Value);
            }

            return builder.Append('}').ToString();
        });

    private static Gen<string> JsonValues => Gen.OneOf(
        Gen.String[0, 40].Select(value => JsonSerializer.Serialize(value)),
        Gen.Long.Select(value => value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(value => double.IsFinite(value) ? value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"),
        Gen.OneOf("true", "false", "null", "[]", "{}", "[1,\"a\",null]", "{\"a\":{\"b\":[]}}"));
}
