using ChatApi.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class RevocationListenerTests
{
    [Fact]
    public async Task A_notice_drops_the_cached_tokens_then_tells_every_observer_even_after_one_fails()
    {
        using var host = AuthTestHost.Create();
        var token = host.Token(new TokenSpec { TokenId = "jti-r", SessionId = "sid-r" });
        Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));

        var seen = new List<RevocationNotice>();
        var listener = CreateListener(host, new FailingObserver(), new RecordingObserver(seen, host.Cache, TokenValidationCache.HashOf(token)));

        listener.Handle("""{"jti":"jti-r","sid":null,"sub":"user-1","exp":1999999999}""");

        var notice = Assert.Single(seen);
        Assert.Equal(new RevocationNotice("jti-r", null, "user-1", 1999999999), notice);
        Assert.False(host.Cache.TryGetFromMemory(TokenValidationCache.HashOf(token), out _));
    }

    [Fact]
    public async Task A_session_notice_drops_every_token_of_the_session()
    {
        using var host = AuthTestHost.Create();
        var first = host.Token(new TokenSpec { SessionId = "sid-x" });
        var second = host.Token(new TokenSpec { SessionId = "sid-x" });
        var other = host.Token(new TokenSpec { SessionId = "sid-y" });
        foreach (var token in new[] { first, second, other })
        {
            Assert.IsType<TokenValidationResult.Valid>(await host.Validator.ValidateAsync(token, CancellationToken.None));
        }

        CreateListener(host).Handle("""{"sid":"sid-x","sub":"user-1"}""");

        Assert.False(host.Cache.TryGetFromMemory(TokenValidationCache.HashOf(first), out _));
        Assert.False(host.Cache.TryGetFromMemory(TokenValidationCache.HashOf(second), out _));
        Assert.True(host.Cache.TryGetFromMemory(TokenValidationCache.HashOf(other), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"sub":"user-1"}""")]
    [InlineData("""{"jti":42}""")]
    public void Malformed_notices_are_logged_and_ignored(string message)
    {
        using var host = AuthTestHost.Create();
        var seen = new List<RevocationNotice>();
        var logs = new FakeLogCollector();
        var listener = CreateListener(host, logs, new RecordingObserver(seen, host.Cache, "none"));

        listener.Handle(message);

        Assert.Empty(seen);
        Assert.Contains(logs.GetSnapshot(), record => record.Level == LogLevel.Warning && record.Message.StartsWith("Ignored a malformed revocation notice", StringComparison.Ordinal));
    }

    private static RevocationListener CreateListener(AuthTestHost host, params IRevocationObserver[] observers) =>
        CreateListener(host, new FakeLogCollector(), observers);

    private static RevocationListener CreateListener(AuthTestHost host, FakeLogCollector logs, params IRevocationObserver[] observers) =>
        // Handle never touches Redis: the subscription is what the distributed tests exercise.
        new(null!, host.Cache, observers, new FakeLogger<RevocationListener>(logs));

    private sealed class FailingObserver : IRevocationObserver
    {
        public void OnRevoked(RevocationNotice notice) => throw new InvalidOperationException("observer bug");
    }

    private sealed class RecordingObserver(List<RevocationNotice> seen, TokenValidationCache cache, string tokenHash) : IRevocationObserver
    {
        public void OnRevoked(RevocationNotice notice)
        {
            // Observers run after the cache has forgotten the token.
            Assert.False(cache.TryGetFromMemory(tokenHash, out _));
            seen.Add(notice);
        }
    }
}
