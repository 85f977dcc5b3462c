using ChatApi.Connections;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Unit.Chat;

public sealed class OriginPolicyTests
{
    private static OriginPolicy Policy(params string[] allowed) => new(Options.Create(new ChatApiOptions { AllowedOrigins = [.. allowed] }));

    [Fact]
    public void Requests_without_origin_are_not_from_a_browser_and_pass() =>
        Assert.True(Policy().IsAllowed(default));

    [Fact]
    public void A_browser_origin_must_be_listed()
    {
        var policy = Policy("https://chat.example.com");

        Assert.True(policy.IsAllowed("https://chat.example.com"));
        Assert.True(policy.IsAllowed("HTTPS://CHAT.EXAMPLE.COM/"));
        Assert.False(policy.IsAllowed("https://evil.example.com"));
        Assert.False(policy.IsAllowed("https://chat.example.com.evil.com"));
    }

    [Fact]
    public void No_listed_origin_means_no_browser_origin_is_allowed() =>
        Assert.False(Policy().IsAllowed("http://localhost:3000"));

    [Fact]
    public void A_star_allows_every_origin() =>
        Assert.True(Policy("*").IsAllowed("https://anywhere.example"));
}
