using AuthService.Configuration;

namespace AuthService.Tests.Unit;

/// <summary>Bad configuration stops AuthService at start-up instead of weakening it.</summary>
public sealed class AuthOptionsValidationTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Defaults_with_a_secret_are_valid()
    {
        Assert.True(Validate(new AuthOptions { SigningKeyEncryptionSecret = Secret }).Succeeded);
    }

    [Fact]
    public void Defaults_are_the_decided_ones()
    {
        var options = new AuthOptions();

        Assert.Equal("chat-authservice", options.Issuer);
        Assert.Equal("chatapi", options.Audience);
        Assert.Equal(TimeSpan.FromMinutes(15), options.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromDays(14), options.RefreshTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(TimeSpan.FromDays(7), options.SigningKeys.RotationInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.SigningKeys.CheckInterval);
    }

    [Fact]
    public void A_missing_or_short_secret_is_rejected()
    {
        Assert.True(Validate(new AuthOptions()).Failed);
        Assert.True(Validate(new AuthOptions { SigningKeyEncryptionSecret = Secret[..31] }).Failed);
    }

    [Fact]
    public void The_secret_never_appears_in_the_validation_message()
    {
        var result = Validate(new AuthOptions { SigningKeyEncryptionSecret = "short-secret-value" });

        Assert.DoesNotContain("short-secret-value", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Clock_skew_above_30_seconds_is_rejected()
    {
        Assert.True(Validate(new AuthOptions { SigningKeyEncryptionSecret = Secret, ClockSkew = TimeSpan.FromSeconds(31) }).Failed);
    }

    [Fact]
    public void Nested_sections_are_validated()
    {
        Assert.True(Validate(new AuthOptions { SigningKeyEncryptionSecret = Secret, SigningKeys = { RotationInterval = TimeSpan.Zero } }).Failed);
        Assert.True(Validate(new AuthOptions { SigningKeyEncryptionSecret = Secret, Throttling = { UsernameFailureLimit = 0 } }).Failed);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(AuthOptions options) =>
        new AuthOptionsValidator().Validate(null, options);
}
