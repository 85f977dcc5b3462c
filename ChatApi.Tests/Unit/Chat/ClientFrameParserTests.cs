using System.Net.WebSockets;
using System.Text;
using ChatApi.Protocol;

namespace ChatApi.Tests.Unit.Chat;

public sealed class ClientFrameParserTests
{
    private readonly ClientFrameParser _parser = new(new ChatApiOptions { MaxTextLength = 10 });

    private ParseResult Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Invalid_utf8_is_a_1007_violation()
    {
        var result = _parser.Parse(new byte[] { 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D });

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Assert.IsType<ParseResult.Violation>(result).Status);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"send\"")]
    [InlineData("{\"type\":\"send\"")]
    public void Anything_but_a_json_object_is_a_1007_violation(string payload) =>
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Assert.IsType<ParseResult.Violation>(Parse(payload)).Status);

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"type\":42}")]
    [InlineData("{\"type\":\"shout\"}")]
    public void A_missing_or_unknown_type_is_a_1008_violation(string payload) =>
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, Assert.IsType<ParseResult.Violation>(Parse(payload)).Status);

    [Fact]
    public void A_valid_send_is_a_request()
    {
        var request = Assert.IsType<ParseResult.Request>(Parse("""{"type":"send","room":"general","text":"hello","clientMsgId":"c-1"}"""));

        Assert.Equal(new SendRequest("general", "hello", "c-1"), request.Frame);
    }

    [Fact]
    public void Text_longer_than_the_limit_is_rejected_with_text_too_long_and_its_client_msg_id()
    {
        var rejected = Assert.IsType<ParseResult.Rejected>(Parse("""{"type":"send","room":"general","text":"12345678901","clientMsgId":"c-2"}"""));

        Assert.Equal(ErrorCodes.TextTooLong, rejected.Code);
        Assert.Equal("c-2", rejected.Ref);
    }

    [Fact]
    public void Text_length_counts_characters_not_utf16_units()
    {
        // Ten emoji are ten characters (twenty UTF-16 units): within a limit of ten.
        var text = string.Concat(Enumerable.Repeat("😀", 10));

        Assert.IsType<ParseResult.Request>(Parse($$"""{"type":"send","room":"general","text":"{{text}}","clientMsgId":"c-3"}"""));
    }

    [Theory]
    [InlineData("""{"type":"send","room":"general","text":"","clientMsgId":"c"}""", ErrorCodes.TextEmpty)]
    [InlineData("""{"type":"send","room":"general","text":"hi"}""", ErrorCodes.InvalidClientMsgId)]
    [InlineData("""{"type":"send","room":"general","text":7,"clientMsgId":"c"}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"type":"join","room":"no spaces"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"join","room":"' OR 1=1 --"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"join"}""", ErrorCodes.InvalidRoom)]
    [InlineData("""{"type":"join","room":"general","since":-1}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"type":"history","room":"general","limit":0}""", ErrorCodes.InvalidLimit)]
    [InlineData("""{"type":"history","room":"general","limit":201}""", ErrorCodes.InvalidLimit)]
    [InlineData("""{"type":"agent","room":"general","prompt":"  "}""", ErrorCodes.InvalidPrompt)]
    public void A_bad_field_is_rejected_with_a_stable_code(string payload, string code) =>
        Assert.Equal(code, Assert.IsType<ParseResult.Rejected>(Parse(payload)).Code);

    [Fact]
    public void History_defaults_to_the_page_size()
    {
        var request = Assert.IsType<ParseResult.Request>(Parse("""{"type":"history","room":"general","before":10}"""));

        Assert.Equal(new HistoryRequest("general", 10, new ChatApiOptions().PageSize), request.Frame);
    }

    [Fact]
    public void Join_carries_since()
    {
        var request = Assert.IsType<ParseResult.Request>(Parse("""{"type":"join","room":"general","since":41}"""));

        Assert.Equal(new JoinRequest("general", 41), request.Frame);
    }

    [Fact]
    public void Ping_echoes_any_nonce()
    {
        var request = Assert.IsType<ParseResult.Request>(Parse("""{"type":"ping","nonce":{"n":1}}"""));

        Assert.Equal("""{"n":1}""", Assert.IsType<PingRequest>(request.Frame).Nonce!.Value.GetRawText());
    }
}
