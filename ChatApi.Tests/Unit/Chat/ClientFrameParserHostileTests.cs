using System.Net.WebSockets;
using System.Text;
using ChatApi.Protocol;

namespace ChatApi.Tests.Unit.Chat;

/// <summary>
/// Issue 14's hostile frames, one by one: each used to throw out of the parser (a session reset without cleanup) or
/// slip through validation. Each must now be an <c>error</c> frame with a stable code, or a contract close code.
/// </summary>
public sealed class ClientFrameParserHostileTests
{
    private readonly ClientFrameParser _parser = new(new ChatApiOptions());

    private ParseResult Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    private ParseResult.Rejected Rejected(string json) => Assert.IsType<ParseResult.Rejected>(Parse(json));

    // "\ud800" is valid JSON but not valid UTF-16 once unescaped: System.Text.Json throws when it is read as a string.
    [Theory]
    [InlineData("""{"type":"join","room":"gen\ud800"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"leave","room":"\udc00"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"history","room":"\ud800x"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"send","room":"\ud800","text":"hi","clientMsgId":"c-1"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"send","room":"general","text":"hi\ud800","clientMsgId":"c-1"}""", ErrorCodes.InvalidCharacters)]
    [InlineData("""{"type":"send","room":"general","text":"hi","clientMsgId":"c\ud800"}""", ErrorCodes.InvalidClientMsgId)]
    [InlineData("""{"type":"agent","room":"general","prompt":"what is \udfff"}""", ErrorCodes.InvalidCharacters)]
    [InlineData("""{"type":"ping","nonce":"\ud800"}""", ErrorCodes.InvalidCharacters)]
    [InlineData("""{"type":"ping","nonce":{"n":["\ud800"]}}""", ErrorCodes.InvalidCharacters)]
    [InlineData("""{"type":"ping","nonce":{"\ud800":1}}""", ErrorCodes.InvalidCharacters)]
    public void A_lone_surrogate_in_a_field_is_rejected_with_the_fields_code(string json, string code) =>
        Assert.Equal(code, Rejected(json).Code);

    [Theory]
    [InlineData("""{"\ud800":1,"type":"join","room":"general"}""")]
    [InlineData("""{"type":"join","\ud800":1,"room":"general"}""")]
    [InlineData("""{"type":"send","\udc00x":1,"room":"general","text":"hi","clientMsgId":"c-1"}""")]
    public void A_lone_surrogate_in_a_property_name_is_an_invalid_request(string json) =>
        Assert.Equal(ErrorCodes.InvalidRequest, Rejected(json).Code);

    [Fact]
    public void A_lone_surrogate_in_the_type_is_an_unknown_type() =>
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, Assert.IsType<ParseResult.Violation>(Parse("""{"type":"join\ud800","room":"general"}""")).Status);

    [Theory]
    [InlineData("join", "since", ErrorCodes.InvalidRequest)]
    [InlineData("history", "before", ErrorCodes.InvalidRequest)]
    [InlineData("history", "limit", ErrorCodes.InvalidLimit)]
    public void A_number_field_of_another_json_kind_is_rejected_with_the_fields_code(string type, string field, string code)
    {
        foreach (var value in new[] { "\"5\"", "true", "false", "{}", "{\"a\":1}", "[]", "[5]", "1e400", "99999999999999999999", "1.5", "-0.5" })
        {
            Assert.Equal(code, Rejected($$"""{"type":"{{type}}","room":"general","{{field}}":{{value}}}""").Code);
        }
    }

    [Theory]
    [InlineData("\\u0000")]
    [InlineData("\\u0001")]
    [InlineData("\\u001b")]
    [InlineData("\\u001f")]
    [InlineData("\\b")]
    [InlineData("\\f")]
    public void A_control_character_in_text_prompt_or_nonce_is_invalid_characters(string escape)
    {
        Assert.Equal(ErrorCodes.InvalidCharacters, Rejected($$"""{"type":"send","room":"general","text":"a{{escape}}b","clientMsgId":"c-1"}""").Code);
        Assert.Equal("c-1", Rejected($$"""{"type":"send","room":"general","text":"a{{escape}}b","clientMsgId":"c-1"}""").Ref);
        Assert.Equal(ErrorCodes.InvalidCharacters, Rejected($$"""{"type":"agent","room":"general","prompt":"a{{escape}}b"}""").Code);
        Assert.Equal(ErrorCodes.InvalidCharacters, Rejected($$"""{"type":"ping","nonce":"a{{escape}}b"}""").Code);
        Assert.Equal(ErrorCodes.InvalidClientMsgId, Rejected($$"""{"type":"send","room":"general","text":"hi","clientMsgId":"c{{escape}}"}""").Code);
        Assert.Equal(ErrorCodes.InvalidRoom, Rejected($$"""{"type":"join","room":"general{{escape}}"}""").Code);
    }

    [Theory]
    [InlineData("\\n")]
    [InlineData("\\r\\n")]
    [InlineData("\\t")]
    public void Line_breaks_and_tabs_are_allowed_in_text_and_prompt_only(string escape)
    {
        var send = Assert.IsType<SendRequest>(Assert.IsType<ParseResult.Request>(
            Parse($$"""{"type":"send","room":"general","text":"line{{escape}}line","clientMsgId":"c-1"}""")).Frame);
        Assert.Contains(escape.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal), send.Text, StringComparison.Ordinal);

        var agent = Assert.IsType<AgentRequest>(Assert.IsType<ParseResult.Request>(
            Parse($$"""{"type":"agent","room":"general","prompt":"line{{escape}}line"}""")).Frame);
        Assert.Equal(send.Text, agent.Prompt);

        Assert.Equal(ErrorCodes.InvalidClientMsgId, Rejected($$"""{"type":"send","room":"general","text":"hi","clientMsgId":"c{{escape}}"}""").Code);
        Assert.Equal(ErrorCodes.InvalidRoom, Rejected($$"""{"type":"join","room":"gen{{escape}}eral"}""").Code);
    }

    [Theory]
    [InlineData("general\\n")]
    [InlineData("general\\r")]
    [InlineData("\\ngeneral")]
    public void A_room_with_a_trailing_or_leading_newline_is_invalid(string room) =>
        Assert.Equal(ErrorCodes.InvalidRoom, Rejected($$"""{"type":"join","room":"{{room}}"}""").Code);

    [Fact]
    public void A_valid_nonce_of_any_json_kind_is_still_echoed()
    {
        foreach (var nonce in new[] { "1", "\"n-1\"", "{\"a\":[1,\"b\",null,true]}", "1e400", "null" })
        {
            var ping = Assert.IsType<PingRequest>(Assert.IsType<ParseResult.Request>(Parse($$"""{"type":"ping","nonce":{{nonce}}}""")).Frame);
            Assert.Equal(nonce, ping.Nonce!.Value.GetRawText());
        }
    }
}
