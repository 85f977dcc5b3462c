namespace AuthService.Users;

/// <summary>Development only: a demo account (<c>demo</c> / <c>demo-password</c>) so the chat can be tried at once.</summary>
public sealed partial class DevelopmentUserSeeder(UserAccounts accounts, ILogger<DevelopmentUserSeeder> logger) : IHostedService
{
    public const string Username = "demo";
    public const string Password = "demo-password";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await accounts.RegisterAsync(Username, Password, cancellationToken) is not null)
        {
            LogSeeded(logger, Username);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Development: created the demo user '{Username}'.")]
    private static partial void LogSeeded(ILogger logger, string username);
}
