namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, which Playwright drives instead of a browser of its own (no browser download works on these
/// machines). Missing, the tests fail with what to do; they never skip silently.
/// </summary>
public static class Chromium
{
    /// <summary>Where the browser is: <c>CHROMIUM_PATH</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Fails every browser test with what to do when there is no browser (checked before anything starts).</summary>
    public static void EnsureInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}: the browser tests need it. Run eng/bootstrap.sh " +
                "(apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable.");
        }
    }

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, Uri frontEnd)
    {
        EnsureInstalled();
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                // Aspire picks the port at random; Chromium refuses a few ports (6000, 6666...) unless told otherwise.
                $"--explicitly-allowed-ports={frontEnd.Port}",
            ],
        });
    }
}
