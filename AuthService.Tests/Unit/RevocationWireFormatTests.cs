using ServiceDefaults.AuthPath;

namespace AuthService.Tests.Unit;

/// <summary>
/// The revocation contract between AuthService and ChatApi (docs/auth.md), spelled out literally here and nowhere
/// else: both services and the other tests use the shared declarations, so this is what keeps them on the wire format.
/// </summary>
public sealed class RevocationWireFormatTests
{
    [Fact]
    public void The_channel_and_the_denylist_keys_are_the_documented_ones()
    {
        Assert.Equal("auth:revocations", RevocationNotice.Channel);
        Assert.Equal("auth:revoked:jti:j-1", RevocationKeys.ForToken("j-1"));
        Assert.Equal("auth:revoked:sid:s-1", RevocationKeys.ForSession("s-1"));
    }

    [Fact]
    public void A_notice_is_jti_sid_sub_exp_with_a_null_jti_when_a_whole_session_was_revoked()
    {
        Assert.Equal(
            """{"jti":"j-1","sid":"s-1","sub":"u-1","exp":1767225600}""",
            new RevocationNotice("j-1", "s-1", "u-1", 1767225600).ToJson());
        Assert.Equal(
            """{"jti":null,"sid":"s-1","sub":"u-1","exp":1767225600}""",
            new RevocationNotice(null, "s-1", "u-1", 1767225600).ToJson());
    }

    [Fact]
    public void A_notice_reads_back_from_the_wire()
    {
        Assert.Equal(
            new RevocationNotice("j-1", "s-1", "u-1", 1767225600),
            RevocationNotice.FromJson("""{"jti":"j-1","sid":"s-1","sub":"u-1","exp":1767225600}"""));
        Assert.Equal(
            new RevocationNotice(null, "s-1", "u-1", ExpiresAt: null),
            RevocationNotice.FromJson("""{"sid":"s-1","sub":"u-1"}"""));
    }
}
