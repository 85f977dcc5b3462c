using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Access tokens that live 30 s, so that renewals happen within a test.</summary>
public sealed class ShortTokenFrontEndFixture : FrontEndFixture
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(30);

    protected override TopologyOptions Options => base.Options with
    {
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["authservice"] = new() { ["Auth__AccessTokenLifetime"] = TokenLifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture) },
        },
    };
}

/// <summary>
/// ChatApi ends a session with 1008 when its token expires; the client renews the token before that and moves to a
/// new socket with it, so a person never sees the session drop.
/// </summary>
public sealed class TokenRenewalTests(ShortTokenFrontEndFixture fixture) : IClassFixture<ShortTokenFrontEndFixture>
{
    [Fact]
    public async Task The_page_renews_its_token_before_expiry_and_stays_live_across_several_lifetimes()
    {
        var room = $"renew-{Guid.NewGuid():N}"[..24];
        await using var page = await fixture.OpenPageAsync();
        var sockets = 0;
        page.Page.WebSocket += (_, _) => Interlocked.Increment(ref sockets);
        await page.CreateAccountAsync($"gina-{Guid.NewGuid():N}"[..20], $"pw-{Guid.NewGuid():N}");
        await page.JoinAsync(room);
        await page.SendAsync(room, "first");

        // Record every state the status line takes from now on (test instrumentation, not part of the page).
        await page.Page.EvaluateAsync("""
            () => {
                window.__states = [];
                new MutationObserver(() => window.__states.push(document.getElementById('connection-status').dataset.state))
                    .observe(document.getElementById('connection-status'), { attributes: true, attributeFilter: ['data-state'] });
            }
            """);

        // Two renewals (each a new socket) take about one and a half token lifetimes.
        var deadline = DateTime.UtcNow + (3 * ShortTokenFrontEndFixture.TokenLifetime);
        while (Volatile.Read(ref sockets) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {sockets} sockets opened: the token was not renewed");
            await page.Page.WaitForWebSocketAsync(new() { Timeout = (float)(deadline - DateTime.UtcNow).TotalMilliseconds });
        }

        await page.ExpectLiveAsync();
        await page.SendAsync(room, "after two renewals");
        await Expect(page.MessageTexts(room)).ToHaveTextAsync(["first", "after two renewals"]);

        // The session never dropped: no 1008, never reconnecting, never back to connecting.
        await Expect(page.Status).Not.ToHaveAttributeAsync("data-last-close", "1008");
        var states = await page.Page.EvaluateAsync<string[]>("() => window.__states");
        Assert.All(states, state => Assert.Equal("live", state));
    }
}
