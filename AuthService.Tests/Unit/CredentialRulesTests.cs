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
}
