using System.Text.RegularExpressions;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>People chatting through the front end in Chromium: two browsers, the assistant, a reload.</summary>
[Collection(FrontEndCollection.Name)]
public sealed partial class ChatInBrowserTests(FrontEndFixture fixture)
{
    [Fact]
    public async Task Two_users_in_two_browsers_see_each_others_messages_once_and_in_order()
    {
        var room = NewRoom("two");
        await using var alice = await SignedUpInAsync("alice", room);
        await using var bob = await SignedUpInAsync("bob", room, phone: true);

        // Turn by turn, each waiting for its own ack: the order the server stored is the order they were written.
        string[] conversation = ["hello bob", "hi alice", "how are you?", "fine, and <b>you</b>?"];
        for (var turn = 0; turn < conversation.Length; turn++)
        {
            await (turn % 2 == 0 ? alice : bob).SendAsync(room, conversation[turn]);
        }

        foreach (var page in new[] { alice, bob })
        {
            // Exactly these texts, in this order: nothing twice, nothing missing, markup shown as text.
            await Expect(page.MessageTexts(room)).ToHaveTextAsync(conversation);
            await Expect(page.ConfirmedMessages(room)).ToHaveCountAsync(conversation.Length);
            var ids = await page.MessageIdsAsync(room);
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        await Expect(alice.Page.Locator($".pane[data-room='{room}'] b")).ToHaveCountAsync(0);
        await Expect(bob.Messages(room).Filter(new() { HasText = "hi alice" }).Locator(".sender")).ToHaveTextAsync("You");
        await Expect(alice.Messages(room).Filter(new() { HasText = "hi alice" }).Locator(".sender")).ToHaveTextAsync(new Regex("^bob-"));
        await Expect(alice.Messages(room).Filter(new() { HasText = "hi alice" }).Locator("time")).ToHaveAttributeAsync("datetime", new Regex(@"^\d{4}-\d\d-\d\dT"));
        await alice.ScreenshotAsync("chat-desktop");
        await bob.ScreenshotAsync("chat-phone");
    }

    [Fact]
    public async Task Unread_counts_grow_in_rooms_not_shown_and_clear_when_opened()
    {
        var quiet = NewRoom("quiet");
        var busy = NewRoom("busy");
        await using var alice = await SignedUpInAsync("alice", busy);
        await alice.JoinAsync(quiet);
        await using var bob = await SignedUpInAsync("bob", busy);

        await bob.SendAsync(busy, "one");
        await bob.SendAsync(busy, "two");

        var busyButton = alice.Page.Locator("#room-list button.room", new() { HasText = busy });
        await Expect(busyButton.Locator(".unread")).ToHaveTextAsync("2");
        await Expect(busyButton.Locator(".unread")).ToHaveAttributeAsync("aria-label", "2 unread");
        await busyButton.ClickAsync();
        await Expect(busyButton).ToHaveAttributeAsync("aria-current", "true");
        await Expect(busyButton.Locator(".unread")).ToHaveCountAsync(0);
        await Expect(alice.MessageTexts(busy)).ToHaveTextAsync(["one", "two"]);
    }

    [Fact]
    public async Task An_agent_run_is_shown_live_to_the_requester_only_and_its_answer_to_everyone()
    {
        var room = NewRoom("agent");
        await using var alice = await SignedUpInAsync("alice", room);
        await using var bob = await SignedUpInAsync("bob", room);

        await alice.AskAsync("what is 2 + 3 * 4?");

        // The requester watches the run: the question, the thinking, the tool with its input and output, the answer.
        var run = alice.AgentRuns.Last;
        await Expect(run).ToHaveClassAsync(new Regex(@"\banswered\b"));
        await Expect(run.Locator(".prompt")).ToHaveTextAsync("You asked: what is 2 + 3 * 4?");
        await Expect(run.Locator(".step")).ToHaveTextAsync(
        [
            new Regex("^Thinking: .+"),
            new Regex("""^Running calculate: \{"expression":"2 \+ 3 \* 4"\}$"""),
            new Regex("""^calculate returned: \{.*"value":14.*\}$"""),
            new Regex("^Answer: 2 \\+ 3 \\* 4 = 14$"),
        ]);

        // Everyone gets the stored answer as a message from the assistant; only alice saw the run.
        foreach (var page in new[] { alice, bob })
        {
            var answer = page.ConfirmedMessages(room).Filter(new() { HasText = "2 + 3 * 4 = 14" });
            await Expect(answer).ToHaveCountAsync(1);
            await Expect(answer).ToHaveClassAsync(new Regex(@"\bassistant\b"));
            await Expect(answer.Locator(".sender")).ToHaveTextAsync("assistant");
        }

        await Expect(bob.AgentRuns).ToHaveCountAsync(0);
        await alice.ScreenshotAsync("assistant-run");
    }

    [Fact]
    public async Task A_reload_keeps_the_session_the_rooms_and_the_messages()
    {
        var room = NewRoom("reload");
        await using var alice = await SignedUpInAsync("alice", room);
        await alice.SendAsync(room, "before the reload");
        var name = await alice.Page.Locator("#account-name").TextContentAsync();

        await alice.Page.ReloadAsync();

        await alice.ExpectLiveAsync();
        await Expect(alice.Page.Locator("#sign-in-view")).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#account-name")).ToHaveTextAsync(name!);
        await Expect(alice.Page.Locator("#room-list button.room[aria-current='true']")).ToHaveTextAsync(room);
        await Expect(alice.MessageTexts(room)).ToHaveTextAsync(["before the reload"]);

        // Only the refresh token is kept, and only for this tab (sessionStorage); the access token stays in memory.
        var stored = await alice.Page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, sessionStorage))");
        Assert.DoesNotContain("access_token", stored, StringComparison.Ordinal);
        Assert.Contains("refreshToken", stored, StringComparison.Ordinal);
        Assert.Equal("{}", await alice.Page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, localStorage))"));

        await alice.SendAsync(room, "after the reload");
        await Expect(alice.MessageTexts(room)).ToHaveTextAsync(["before the reload", "after the reload"]);
    }

    [Fact]
    public async Task Older_messages_load_when_scrolling_up()
    {
        var room = NewRoom("history");
        await using var alice = await SignedUpInAsync("alice", room);
        const int Count = 60;
        for (var i = 1; i <= Count; i++)
        {
            await alice.WriteAsync($"m{i}");
        }

        await Expect(alice.ConfirmedMessages(room)).ToHaveCountAsync(Count);
        await using var bob = await SignedUpInAsync("bob", room);

        // Joining shows the latest page (50); scrolling to the top asks for what came before it.
        await Expect(bob.ConfirmedMessages(room)).ToHaveCountAsync(50);
        await Expect(bob.MessageTexts(room).First).ToHaveTextAsync("m11");
        await bob.Page.Locator($".pane[data-room='{room}']").EvaluateAsync("pane => pane.scrollTop = 0");

        await Expect(bob.ConfirmedMessages(room)).ToHaveCountAsync(Count);
        await Expect(bob.MessageTexts(room)).ToHaveTextAsync(Enumerable.Range(1, Count).Select(i => $"m{i}").ToArray());
        await Expect(bob.Page.Locator($".pane[data-room='{room}'] .load-older")).ToBeHiddenAsync();
    }

    private async Task<ChatPage> SignedUpInAsync(string prefix, string room, bool phone = false)
    {
        var page = await fixture.OpenPageAsync(phone);
        await page.CreateAccountAsync($"{prefix}-{Guid.NewGuid():N}"[..20], $"pw-{Guid.NewGuid():N}");
        await page.JoinAsync(room);
        return page;
    }

    private static string NewRoom(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];
}
