using System.Text.RegularExpressions;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>The chat page in one browser context, driven the way a person would: labels, buttons, keyboard.</summary>
public sealed partial class ChatPage(IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    public ILocator Status => page.Locator("#connection-status");

    public ILocator SignInMessage => page.Locator("#sign-in-message");

    public ILocator AgentRuns => page.Locator("#agent-panes .agent-run");

    public ILocator Messages(string room) => page.Locator($".pane[data-room='{room}'] li.message");

    public ILocator MessageTexts(string room) => Messages(room).Locator(".text");

    /// <summary>Messages the server has stored (an id), as opposed to the user's own still pending.</summary>
    public ILocator ConfirmedMessages(string room) => page.Locator($".pane[data-room='{room}'] li.message[data-id]");

    public async Task CreateAccountAsync(string username, string password)
    {
        await FillCredentialsAsync(username, password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await ExpectLiveAsync();
    }

    public async Task SignInAsync(string username, string password)
    {
        await FillCredentialsAsync(username, password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public async Task FillCredentialsAsync(string username, string password)
    {
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
    }

    public Task ExpectLiveAsync() => Expect(Status).ToHaveAttributeAsync("data-state", "live");

    public async Task JoinAsync(string room)
    {
        await page.GetByLabel("Join a room").FillAsync(room);
        await page.GetByLabel("Join a room").PressAsync("Enter");
        await Expect(page.Locator($".pane[data-room='{room}']")).ToHaveAttributeAsync("data-joined", "true");
    }

    /// <summary>Types a message and sends it with Enter; waits until the server acknowledged it (no longer pending).</summary>
    public async Task SendAsync(string room, string text)
    {
        await WriteAsync(text);
        await Expect(ConfirmedMessages(room).Filter(new() { HasText = text })).ToHaveCountAsync(1);
    }

    /// <summary>Types a message and sends it with Enter, without waiting for the server.</summary>
    public async Task WriteAsync(string text)
    {
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.GetByLabel("Message", new() { Exact = true }).PressAsync("Enter");
    }

    public async Task AskAsync(string prompt)
    {
        await page.GetByLabel("Ask the assistant").FillAsync(prompt);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
    }

    /// <summary>The ids of the room's confirmed messages, top to bottom.</summary>
    public async Task<IReadOnlyList<long>> MessageIdsAsync(string room) =>
        [.. (await Messages(room).EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.id ?? '')")).Select(long.Parse)];

    public async Task ScreenshotAsync(string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(FrontEndFixture.ScreenshotDirectory, $"{SafeName().Replace(name, "-")}.png"),
            FullPage = true,
        });
    }

    public async ValueTask DisposeAsync() => await page.Context.DisposeAsync();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex SafeName();
}
