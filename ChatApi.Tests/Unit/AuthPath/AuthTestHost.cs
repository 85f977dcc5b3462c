using ChatApi.Auth;
using ChatApi.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>
/// ChatApi's auth wiring as the service builds it (AddServiceDefaults + AddChatAuthentication), with AuthService
/// replaced by <see cref="FakeAuthService"/> as the auth-path client's primary handler, Redis by
/// <see cref="InMemoryDistributedTokenStore"/>, and time by a <see cref="FakeTimeProvider"/>. Not started: no hosted
/// service runs, nothing listens.
/// </summary>
internal sealed class AuthTestHost : IDisposable
{
    private readonly IHost _host;

    private AuthTestHost(IHost host, FakeTimeProvider clock, FakeAuthService authService, InMemoryDistributedTokenStore store, TestSigningKey key)
    {
        _host = host;
        Clock = clock;
        AuthService = authService;
        SharedStore = store;
        Key = key;
    }

    public FakeTimeProvider Clock { get; }

    public FakeAuthService AuthService { get; }

    public InMemoryDistributedTokenStore SharedStore { get; }

    /// <summary>The key AuthService publishes (kid "k1").</summary>
    public TestSigningKey Key { get; }

    public IServiceProvider Services => _host.Services;

    public ITokenValidator Validator => Services.GetRequiredService<ITokenValidator>();

    public AuthPathCircuit Circuit => Services.GetRequiredService<AuthPathCircuit>();

    public TokenValidationCache Cache => Services.GetRequiredService<TokenValidationCache>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public static AuthTestHost Create(
        IDictionary<string, string?>? settings = null,
        Action<IHostApplicationBuilder>? configure = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var authService = new FakeAuthService();
        var key = new TestSigningKey("k1");
        authService.Keys.Add(key);
        var store = new InMemoryDistributedTokenStore(clock);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "ChatApi" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What the AppHost hands ChatApi; service discovery rewrites http://authservice to it.
            ["services:authservice:http:0"] = "http://127.0.0.1:5999",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IDistributedTokenStore>(store);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddFakeLogging();

        builder.AddServiceDefaults();
        builder.AddChatAuthentication();
        builder.Services.AddHttpClient(nameof(AuthServiceClient)).ConfigurePrimaryHttpMessageHandler(() => authService);
        configure?.Invoke(builder);

        return new AuthTestHost(builder.Build(), clock, authService, store, key);
    }

    public string Token(TokenSpec? spec = null) => TestTokens.Create(Key, Clock.GetUtcNow(), spec);

    /// <summary>Sends failing calls through the auth path until its circuit opens.</summary>
    public async Task OpenCircuitAsync()
    {
        var failWith = AuthService.FailWith;
        AuthService.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;
        var client = Services.GetRequiredService<AuthServiceClient>();
        for (var i = 0; i < 10 && !Circuit.IsOpen; i++)
        {
            await Clock.DriveAsync(client.ProbeAsync(CancellationToken.None));
        }

        AuthService.FailWith = failWith;
        Assert.True(Circuit.IsOpen, "the circuit did not open.");
    }

    /// <summary>One run of ChatApi's readiness check of the auth path (what the readiness publisher does every second).</summary>
    public Task<HealthCheckResult> CheckReadinessAsync()
    {
        var check = Services.GetRequiredService<AuthPathHealthCheck>();
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("authservice", check, HealthStatus.Degraded, []),
        };
        return check.CheckHealthAsync(context, CancellationToken.None);
    }

    /// <summary>Lets a test hand a primary handler to clients it registers itself.</summary>
    internal sealed class PrimaryHandlerAccessor
    {
        public HttpMessageHandler Handler { get; set; } = new HttpClientHandler();
    }

    public void Dispose()
    {
        _host.Dispose();
        Key.Dispose();
    }
}
