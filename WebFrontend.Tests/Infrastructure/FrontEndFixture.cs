using System.Net.Http.Json;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// The whole system with the front end, and one Chromium, shared by the browser tests. One ChatApi replica, so a
/// restart under a page is deterministic: the page's session is on the replica that restarts.
/// </summary>
public class FrontEndFixture : IAsyncLifetime
{
    /// <summary>
    /// How long a page state may take to appear. Generous: two shared cores run PostgreSQL, Redis, three .NET services,
    /// Chromium and the test host, and a reconnect after a restart waits out the client's backoff (up to 15 s).
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private DistributedTopology? _topology;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public DistributedTopology Topology => _topology ?? throw new InvalidOperationException("The topology has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>One ChatApi replica and the front end; subclasses may add configuration.</summary>
    protected virtual TopologyOptions Options => new() { ChatApiReplicas = 1, WebFrontend = true };

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Chromium.EnsureInstalled();
        SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _topology = await DistributedTopology.StartAsync(Options);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright, _topology.WebFrontend);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A fresh browser profile (its own storage) on the front end, phone-sized or desktop-sized.</summary>
    public async Task<ChatPage> OpenPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Topology.WebFrontend.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1200, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new ChatPage(page);
    }

    /// <summary>Registers a user through the front end's /auth route; returns the name and password.</summary>
    public async Task<(string Username, string Password)> RegisterAsync(string prefix)
    {
        var username = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];
        var password = $"pw-{Guid.NewGuid():N}";
        using var http = new HttpClient { BaseAddress = Topology.WebFrontend };
        using var response = await http.PostAsJsonAsync("/auth/register", new { username, password });
        Assert.True(response.IsSuccessStatusCode, $"register {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (username, password);
    }

    /// <summary>
    /// After a dependency came back: waits until AuthService and ChatApi answer their own readiness again (their pools
    /// reconnect on their own), so that the next test starts from a working system.
    /// </summary>
    public async Task WaitUntilServicesReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var patience = new CancellationTokenSource(Patience);
        foreach (var service in Topology.AuthServices.Concat(Topology.ChatApi))
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(service, "/health"), patience.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not answering yet.
                }

                await Task.Delay(200, patience.Token);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FrontEndCollection : ICollectionFixture<FrontEndFixture>
{
    public const string Name = "Front end";
}
