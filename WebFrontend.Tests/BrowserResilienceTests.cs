using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// What a person sees when things go wrong: a ChatApi restart under the page, a wrong password, a service that is
/// down, a revoked session. Each test puts the system back as it found it.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed partial class BrowserResilienceTests(FrontEndFixture fixture)
{
    private DistributedTopology Topology => fixture.Topology;

    [Fact]
    public async Task A_restarted_ChatApi_is_reconnected_and_resumed_without_gap_or_duplicate()
    {
        var room = $"restart-{Guid.NewGuid():N}"[..24];
        await using var alice = await SignedUpInAsync("alice", room);
        await using var bob = await SignedUpInAsync("bob", room);
        await alice.SendAsync(room, "one");
        await bob.SendAsync(room, "two");
        await alice.SendAsync(room, "three");

        // Graceful stop: the replica closes every session with 1012; with one replica, the pages have nowhere to go.
        await Topology.StopAsync("chatapi-0");
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Status).ToHaveAttributeAsync("data-state", "reconnecting");
            await Expect(page.Status).ToHaveAttributeAsync("data-last-close", "1012");
        }

        await alice.ScreenshotAsync("reconnecting");

        // Alice's browser goes offline, so she is still away when the service is back and bob writes.
        await alice.Page.Context.SetOfflineAsync(true);
        await bob.WriteAsync("written while the service was down");
        await Expect(bob.Messages(room).Last).ToHaveClassAsync(new Regex(@"\bpending\b"));

        await Topology.StartAsync("chatapi-0");

        // Bob reconnects, rejoins with since and resends his pending message, which is stored once.
        await bob.ExpectLiveAsync();
        await bob.SendAsync(room, "four");
        await Expect(bob.MessageTexts(room)).ToHaveTextAsync(["one", "two", "three", "written while the service was down", "four"]);

        // Alice was away all along (offline, her reconnects fail), so what bob wrote is news to her.
        await Expect(alice.Status).ToHaveAttributeAsync("data-state", "reconnecting");
        await Expect(alice.MessageTexts(room)).ToHaveTextAsync(["one", "two", "three"]);

        // Alice comes back: she resumes after "three" and gets what she missed, once, in order.
        await alice.Page.Context.SetOfflineAsync(false);
        await alice.ExpectLiveAsync();
        await alice.SendAsync(room, "five");
        string[] expected = ["one", "two", "three", "written while the service was down", "four", "five"];
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.MessageTexts(room)).ToHaveTextAsync(expected);
            await Expect(page.ConfirmedMessages(room)).ToHaveCountAsync(expected.Length);
            var ids = await page.MessageIdsAsync(room);
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [Fact]
    public async Task A_send_that_failed_says_so_and_a_retry_stores_it_once()
    {
        var room = $"retry-{Guid.NewGuid():N}"[..24];
        await using var alice = await SignedUpInAsync("alice", room);
        await alice.SendAsync(room, "before the outage");

        // PostgreSQL down: the open session stays, but ChatApi cannot store the send and answers store_unavailable.
        await Topology.StopAsync("postgres");
        try
        {
            await alice.WriteAsync("during the outage");
            var failed = alice.Messages(room).Filter(new() { HasText = "during the outage" });
            await Expect(failed).ToHaveClassAsync(new Regex(@"\bfailed\b"));
            await Expect(failed.Locator(".state")).ToHaveTextAsync(new Regex("^Not sent: .+"));
            await Expect(failed.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
            await alice.ScreenshotAsync("send-failed");
        }
        finally
        {
            await Topology.StartAsync("postgres");
            await fixture.WaitUntilServicesReadyAsync();
        }

        // Retry until stored: the first attempt after the restart may still meet a connection the pool has not dropped.
        var message = alice.Messages(room).Filter(new() { HasText = "during the outage" });
        var deadline = DateTime.UtcNow + FrontEndFixture.Patience;
        while (true)
        {
            var retry = message.GetByRole(AriaRole.Button, new() { Name = "Retry" });
            if (await retry.IsVisibleAsync())
            {
                await retry.ClickAsync();
            }

            try
            {
                await Expect(message).ToHaveAttributeAsync("data-id", new Regex(@"^\d+$"), new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // Failed again (the first attempt after the restart can still meet a dead pooled connection).
            }
        }

        await Expect(alice.MessageTexts(room)).ToHaveTextAsync(["before the outage", "during the outage"]);
        await Expect(message).Not.ToHaveClassAsync(new Regex(@"\b(failed|pending)\b"));
    }

    [Fact]
    public async Task A_wrong_password_is_a_message_on_the_sign_in_form()
    {
        var (username, _) = await fixture.RegisterAsync("carol");
        await using var page = await fixture.OpenPageAsync();

        await page.SignInAsync(username, "not-the-password");

        await Expect(page.SignInMessage).ToHaveTextAsync("The username or password is incorrect.");
        await Expect(page.SignInMessage).ToHaveAttributeAsync("role", "alert");
        await Expect(page.Page.Locator("#chat-view")).ToBeHiddenAsync();
        await Expect(page.Page.GetByLabel("Password")).ToBeFocusedAsync();
        await page.ScreenshotAsync("wrong-password");
    }

    [Fact]
    public async Task AuthService_down_is_a_503_message_and_signing_in_works_once_it_is_back()
    {
        var (username, password) = await fixture.RegisterAsync("dave");
        await using var page = await fixture.OpenPageAsync();

        await Topology.StopAsync("authservice");
        try
        {
            // The front end answers for the service it cannot reach: 503, Retry-After, problem+json.
            using (var http = new HttpClient { BaseAddress = Topology.WebFrontend })
            using (var response = await http.PostAsJsonAsync("/auth/token", new { username, password }))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Contains("authservice", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            await page.SignInAsync(username, password);
            await Expect(page.SignInMessage).ToHaveTextAsync(new Regex(@"unavailable right now \(503\)\. Try again in 2 s\."));
            await Expect(page.Page.Locator("#chat-view")).ToBeHiddenAsync();
            await page.ScreenshotAsync("service-unavailable");
        }
        finally
        {
            await Topology.StartAsync("authservice");
            await fixture.WaitUntilServicesReadyAsync();
        }

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.ExpectLiveAsync();
    }

    [Fact]
    public async Task A_revoked_session_is_closed_with_1008_and_the_page_signs_out_with_a_message()
    {
        var room = $"revoke-{Guid.NewGuid():N}"[..24];
        await using var page = await SignedUpInAsync("erin", room);

        // Someone holding the tab's refresh token revokes the login session (what "sign out everywhere" does).
        var refreshToken = await page.Page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('chat.session')).refreshToken");
        using var http = new HttpClient { BaseAddress = Topology.WebFrontend };
        using var refreshed = await http.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var accessToken = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/auth/revoke") { Headers = { { "Authorization", $"Bearer {accessToken}" } } };
        using var revoked = await http.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await Expect(page.SignInMessage).ToHaveTextAsync("Your session was revoked. Please sign in again.");
        await Expect(page.Status).ToHaveAttributeAsync("data-last-close", "1008");
        await Expect(page.Page.Locator("#chat-view")).ToBeHiddenAsync();
        await Expect(page.Page.GetByLabel("Username")).ToBeFocusedAsync();
        Assert.Equal("null", await page.Page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage.getItem('chat.session'))"));
        await page.ScreenshotAsync("signed-out-revoked");
    }

    [Fact]
    public async Task The_front_end_never_logs_the_access_token_it_forwards()
    {
        var room = $"logs-{Guid.NewGuid():N}"[..24];
        await using (var page = await SignedUpInAsync("frank", room))
        {
            await page.SendAsync(room, "a message so that /ws was used");
        }

        var logs = Topology.LogsOf("webfrontend");
        Assert.Contains("Now listening on", logs, StringComparison.Ordinal);
        Assert.DoesNotMatch(TokenInUrl(), logs);
        Assert.DoesNotContain("eyJ", logs, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"access_token=(?!Redacted)[^&\s]+")]
    private static partial Regex TokenInUrl();

    private async Task<ChatPage> SignedUpInAsync(string prefix, string room)
    {
        var page = await fixture.OpenPageAsync();
        await page.CreateAccountAsync($"{prefix}-{Guid.NewGuid():N}"[..20], $"pw-{Guid.NewGuid():N}");
        await page.JoinAsync(room);
        return page;
    }
}
