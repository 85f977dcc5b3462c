using System.Net;
using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>
/// The failure that took the old product down: a second circuit breaker built on the same state provider throws
/// "already initialized" the first time the auth path is used. Handler rotation, repeated resolution and several
/// clients must all share the one breaker.
/// </summary>
public sealed class AuthPathBuiltOnceTests
{
    [Fact]
    public void A_state_provider_attached_to_a_second_breaker_throws_which_is_why_the_pipeline_is_built_once()
    {
        using var host = AuthTestHost.Create();
        var circuit = host.Circuit;
        var options = new AuthPathResilienceOptions();

        AuthPathPipeline.Configure(new ResiliencePipelineBuilder<HttpResponseMessage>(), options, circuit).Build();
        var second = Assert.Throws<InvalidOperationException>(
            () => AuthPathPipeline.Configure(new ResiliencePipelineBuilder<HttpResponseMessage>(), options, circuit).Build());
        Assert.Contains("already initialized", second.Message, StringComparison.Ordinal);

        // Whereas wrapping the shared instance, as every auth-path handler does, can happen any number of times.
        var pipeline = new AuthPathPipeline(
            Microsoft.Extensions.Options.Options.Create(options),
            new AuthPathCircuit(host.Clock, NullLogger<AuthPathCircuit>.Instance, host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            host.Clock,
            NullLoggerFactory.Instance);
        for (var i = 0; i < 10; i++)
        {
            new ResiliencePipelineBuilder<HttpResponseMessage>().AddPipeline(pipeline.Instance).Build();
        }

        Assert.Same(pipeline.Instance, pipeline.Instance);
    }

    [Fact]
    public async Task Rotated_handlers_repeated_resolution_and_a_second_client_share_one_circuit_without_crashing()
    {
        var handlerChains = 0;
        using var host = AuthTestHost.Create(configure: builder =>
        {
            // The shortest lifetime the factory allows, plus a marker that counts handler chains built.
            builder.Services.AddHttpClient(nameof(AuthServiceClient))
                .SetHandlerLifetime(TimeSpan.FromSeconds(1))
                .AddHttpMessageHandler(() =>
                {
                    Interlocked.Increment(ref handlerChains);
                    return new PassThroughHandler();
                });
            builder.Services.AddHttpClient("second-auth-client", client => client.BaseAddress = new Uri("http://authservice"))
                .AddAuthPathResilience()
                .ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<AuthTestHost.PrimaryHandlerAccessor>().Handler);
            builder.Services.AddSingleton<AuthTestHost.PrimaryHandlerAccessor>();
        });
        host.Services.GetRequiredService<AuthTestHost.PrimaryHandlerAccessor>().Handler = host.AuthService;

        var factory = host.Services.GetRequiredService<IHttpClientFactory>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2.5);
        var calls = 0;
        while (DateTime.UtcNow < deadline || handlerChains < 2)
        {
            // Typed client resolved anew each time, as a transient consumer would.
            var client = host.Services.GetRequiredService<AuthServiceClient>();
            Assert.Null(await client.ProbeAsync(CancellationToken.None));
            using var second = factory.CreateClient("second-auth-client");
            using var response = await second.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            calls++;
            await Task.Delay(20);
            Assert.True(DateTime.UtcNow < deadline + TimeSpan.FromSeconds(10), "the handler was never rotated.");
        }

        Assert.True(handlerChains >= 2, $"expected a handler rotation, saw {handlerChains} chain(s).");
        Assert.Equal(calls * 2, host.AuthService.AliveCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);

        // Failures through either client feed the same breaker, and once it is open both clients fail fast.
        // (First let the successes above leave the sampling window.)
        host.Clock.Advance(TimeSpan.FromSeconds(11));
        host.AuthService.FailWith = HttpStatusCode.ServiceUnavailable;
        using (var second = factory.CreateClient("second-auth-client"))
        {
            using var failed = await host.Clock.DriveAsync(second.GetAsync("/alive"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        Assert.Equal("HTTP 503", await host.Clock.DriveAsync(host.Services.GetRequiredService<AuthServiceClient>().ProbeAsync(CancellationToken.None)));
        Assert.Equal(CircuitState.Open, host.Circuit.State);

        var before = host.AuthService.TotalCalls;
        Assert.Equal("circuit open", await host.Services.GetRequiredService<AuthServiceClient>().ProbeAsync(CancellationToken.None));
        using (var second = factory.CreateClient("second-auth-client"))
        {
            await Assert.ThrowsAsync<BrokenCircuitException>(() => second.GetAsync("/alive"));
        }

        Assert.Equal(before, host.AuthService.TotalCalls);
    }

    [Fact]
    public void The_auth_path_handler_replaces_the_standard_one_and_sits_outside_service_discovery()
    {
        using var host = AuthTestHost.Create();
        var handler = host.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(nameof(AuthServiceClient));

        var chain = new List<string>();
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(current.GetType().Name);
        }

        var resilience = chain.FindAll(name => name == "ResilienceHandler");
        Assert.Single(resilience);
        var discovery = chain.FindIndex(name => name.Contains("Resolving", StringComparison.Ordinal));
        Assert.True(discovery >= 0, "service discovery handler missing: " + string.Join(" > ", chain));
        Assert.True(chain.IndexOf("ResilienceHandler") < discovery, "auth path must be outside service discovery: " + string.Join(" > ", chain));
        Assert.Equal(nameof(FakeAuthService), chain[^1]);
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
