using System.Text;
using System.Text.Json;
using ChatApi.Protocol;
using CsCheck;

namespace ChatApi.Tests.Unit.Chat;

/// <summary>The parser against generated input: hostile bytes never escape as an exception, and valid frames come back as they were sent.</summary>
public sealed class ClientFrameParserProperties
{
    private static readonly ChatApiOptions Options = new();
    private readonly ClientFrameParser _parser = new(Options);

    [Fact]
    public void Any_bytes_are_answered_with_a_result_never_an_exception() =>
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            Assert.NotNull(_parser.Parse(bytes));
        });

    [Fact]
    public void Any_json_object_is_answered_with_a_result_never_an_exception() =>
        JsonObjects.Sample(json =>
        {
            var result = _parser.Parse(Encoding.UTF8.GetBytes(json));
            Assert.True(result is ParseResult.Request or ParseResult.Rejected or ParseResult.Violation);
        });

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

    /// <summary>Names the parser accepts: 1-64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit.</summary>
    private static Gen<string> Rooms =>
        Gen.Select(
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"],
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-"].Array[0, 63],
            (first, rest) => first + new string(rest));

    /// <summary>Objects with a known or unknown type and fields of every JSON kind, right or wrong.</summary>
    private static Gen<string> JsonObjects =>
        Gen.Select(
            Gen.OneOf("join", "leave", "send", "history", "agent", "ping", "shout", ""),
            Gen.Select(Gen.OneOf("room", "text", "clientMsgId", "since", "before", "limit", "prompt", "nonce", "x"), JsonValues, (name, value) => (Name: name, Value: value)).Array[0, 6])
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
