using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace ChatApi.Tests.Hostile;

/// <summary>
/// Client frames as a hostile client writes them, for the parser's property tests and the live-session test: frames
/// of every type, valid at first, then mutated: a field's value replaced by a lone surrogate escape, a control
/// character, another JSON kind, a huge number or deep nesting; a property added whose name is not valid UTF-16; a
/// property repeated.
/// </summary>
public static class HostileFrames
{
    /// <summary>Escapes that make a JSON string hostile: lone or reversed surrogates and C0 controls (NUL first).</summary>
    private static readonly string[] Escapes =
        ["\\ud800", "\\udc00", "\\udfff\\ud800", "\\udbffA", "\\u0000", "\\u0001", "\\u001b", "\\u001f", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u007f"];

    /// <summary>Values of the wrong kind or size for any field.</summary>
    private static readonly string[] OddValues =
    [
        "true", "false", "null", "{}", "[]", "[1]", "\"5\"", "\"\"", "{\"a\":\"\\ud800\"}", "[\"\\u0000\"]",
        "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "9223372036854775808", "2147483648",
        "1.5", "-1", "0", "-0", "1E2", "0.0000001",
    ];

    /// <summary>Room names the parser accepts: 1-64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit.</summary>
    public static Gen<string> ValidRooms =>
        Gen.Select(
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"],
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-"].Array[0, 63],
            (first, rest) => first + new string(rest));

    /// <summary>A frame of a known type with well-formed fields, in <paramref name="rooms"/>; its fields as JSON fragments.</summary>
    public static Gen<List<(string Name, string Value)>> Valid(Gen<string> rooms) =>
        Gen.Frequency(
            (3, Gen.Select(rooms, Gen.Long[0, 1000].Nullable(), (room, since) => Frame("join", ("room", Json(room)), ("since", since?.ToString(CultureInfo.InvariantCulture))))),
            (1, rooms.Select(room => Frame("leave", ("room", Json(room))))),
            (4, Gen.Select(rooms, Gen.String[1, 40], Gen.Int[0, 1_000_000], (room, text, id) => Frame("send", ("room", Json(room)), ("text", Json(text)), ("clientMsgId", Json($"h-{id}"))))),
            (2, Gen.Select(rooms, Gen.Long[1, 1000].Nullable(), Gen.Int[1, 200].Nullable(), (room, before, limit) =>
                Frame("history", ("room", Json(room)), ("before", before?.ToString(CultureInfo.InvariantCulture)), ("limit", limit?.ToString(CultureInfo.InvariantCulture))))),
            (1, Gen.Select(rooms, Gen.String[1, 40], (room, prompt) => Frame("agent", ("room", Json(room)), ("prompt", Json(prompt))))),
            (2, Gen.Select(Gen.Int, Gen.String[0, 20], Gen.Bool, (number, text, asText) => Frame("ping", ("nonce", asText ? Json(text) : number.ToString(CultureInfo.InvariantCulture))))));

    /// <summary>A valid frame with one to three mutations, as the JSON text sent.</summary>
    public static Gen<string> Mutated(Gen<string> rooms) =>
        Gen.Select(Valid(rooms), Mutation.Array[1, 3], (fields, mutations) =>
        {
            foreach (var mutate in mutations)
            {
                mutate(fields);
            }

            return Write(fields);
        });

    /// <summary>Valid frames, mutated frames, and frames with a type of their own, mixed.</summary>
    public static Gen<string> Any(Gen<string> rooms) =>
        Gen.Frequency(
            (2, Valid(rooms).Select(Write)),
            (6, Mutated(rooms)),
            (1, Gen.Select(HostileString, HostileValue, (type, value) => $$"""{"type":{{type}},"x":{{value}}}""")));

    /// <summary>A JSON string with a hostile escape somewhere in it.</summary>
    public static Gen<string> HostileString =>
        Gen.Select(Gen.String[0, 12], Gen.OneOf(Escapes), Gen.String[0, 12], (before, escape, after) => $"\"{Inner(before)}{escape}{Inner(after)}\"");

    /// <summary>Any value a field must refuse (or, for a nonce, may echo).</summary>
    public static Gen<string> HostileValue =>
        Gen.Frequency(
            (4, HostileString),
            (3, Gen.OneOf(OddValues)),
            (1, Gen.Int[1, 24].Select(depth => new string('[', depth) + new string(']', depth))),
            (1, Gen.Int[1, 24].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
            (1, Gen.Int[1, 5000].Select(length => Json(new string('x', length)))));

    private static Gen<Action<List<(string Name, string Value)>>> Mutation =>
        Gen.Frequency(
            // A field's value replaced; rarely the type's (which ends the session with 1008, so nothing after it is tried).
            (6, Gen.Select(Gen.Int[0, 100], HostileValue, (at, value) => (Action<List<(string Name, string Value)>>)(fields =>
            {
                var index = fields.Count > 1 ? 1 + (at % (fields.Count - 1)) : 0;
                fields[index] = (fields[index].Name, value);
            }))),
            (1, HostileValue.Select(value => (Action<List<(string Name, string Value)>>)(fields => fields[0] = (fields[0].Name, value)))),
            // A property whose name is not valid UTF-16 (or holds a control), anywhere, the type's place included.
            (2, Gen.Select(Gen.Int[0, 100], HostileString, HostileValue, (at, name, value) => (Action<List<(string Name, string Value)>>)(fields =>
                fields.Insert(at % (fields.Count + 1), (name, value))))),
            // A field repeated with another value (the last one wins in System.Text.Json).
            (1, Gen.Select(Gen.Int[0, 100], HostileValue, (at, value) => (Action<List<(string Name, string Value)>>)(fields =>
                fields.Add((fields[at % fields.Count].Name, value))))),
            // A field dropped.
            (1, Gen.Int[0, 100].Select(at => (Action<List<(string Name, string Value)>>)(fields =>
            {
                if (fields.Count > 1)
                {
                    fields.RemoveAt(at % fields.Count);
                }
            }))));

    private static List<(string Name, string Value)> Frame(string type, params (string Name, string? Value)[] fields) =>
        [(Json("type"), Json(type)), .. fields.Where(field => field.Value is not null).Select(field => (Json(field.Name), field.Value!))];

    private static string Write(List<(string Name, string Value)> fields)
    {
        var json = new StringBuilder("{");
        foreach (var (name, value) in fields)
        {
            json.Append(json.Length > 1 ? "," : string.Empty).Append(name).Append(':').Append(value);
        }

        return json.Append('}').ToString();
    }

    private static string Json(string value) => JsonSerializer.Serialize(value);

    private static string Inner(string value) => Json(value)[1..^1];
}
