using AuthService.Users;

namespace AuthService.Tests.Unit;

/// <summary>The contract's username and password rules.</summary>
public sealed class CredentialRulesTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("a.b-c_9", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("ab", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("Abc", false)]
    [InlineData("abc\n", false)]
    [InlineData("ab c", false)]
    [InlineData("abc'--", false)]
    [InlineData(null, false)]
    public void Usernames_follow_the_contract(string? username, bool valid)
    {
        Assert.Equal(valid, CredentialRules.IsValidUsername(username));
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Passwords_are_8_to_128_characters(int length, bool valid)
    {
        Assert.Equal(valid, CredentialRules.IsValidPassword(new string('p', length)));
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(8, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Password_length_is_counted_in_code_points_not_utf16_units(int emoji, bool valid)
    {
        // U+1F511 is two UTF-16 units: 4 of them are 8 units but only 4 code points; 128 are 256 units.
        var password = string.Concat(Enumerable.Repeat("\U0001F511", emoji));

        Assert.Equal(valid, CredentialRules.IsValidPassword(password));
    }

    [Fact]
    public void Composed_and_decomposed_forms_of_a_password_normalise_to_the_same_nfc_string()
    {
        const string composed = "caf\u00e9-cr\u00e8me";
        const string decomposed = "cafe\u0301-cre\u0300me";

        Assert.NotEqual(composed, decomposed);
        Assert.Equal(composed, CredentialRules.NormalisePassword(decomposed));
        Assert.Equal(composed, CredentialRules.NormalisePassword(composed));
        Assert.True(CredentialRules.IsValidPassword(decomposed));
    }

    [Fact]
    public void A_password_with_a_lone_surrogate_is_invalid_not_an_exception()
    {
        // Built at run time: test runners cannot carry lone surrogates in theory data.
        foreach (var password in new[] { "abcdefgh" + (char)0xD800, (char)0xDC00 + "abcdefgh" })
        {
            Assert.Null(CredentialRules.NormalisePassword(password));
            Assert.False(CredentialRules.IsValidPassword(password));
        }
    }
}
