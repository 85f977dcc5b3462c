using System.Diagnostics.Metrics;
using System.Net;
using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

/// <summary>
/// The real auth-path composition (<see cref="AuthPathPipeline.Configure"/>) on a fake clock, inside the library's
/// own <see cref="ResilienceHandler"/>, over a scripted inner handler, with the real <see cref="AuthServiceClient"/>.
/// </summary>
internal sealed class PipelineHarness : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public PipelineHarness(AuthPathResilienceOptions? options = null)
    {
        Options = options ?? new AuthPathResilienceOptions();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        Circuit = new AuthPathCircuit(Clock, NullLogger<AuthPathCircuit>.Instance, meterFactory);
        Circuit.StateChanged += state => Transitions.Add(state);

        var pipeline = AuthPathPipeline.Configure(
                new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = Clock },
                Options,
                Circuit)
            .Build();
#pragma warning disable EXTEXP0001 // The library's handler, as AddResilienceHandler uses it.
        var handler = new ResilienceHandler(pipeline) { InnerHandler = Inner };
#pragma warning restore EXTEXP0001
        Client = new AuthServiceClient(
            new HttpClient(handler) { BaseAddress = new Uri("http://authservice") },
            new AuthTelemetry(meterFactory),
            Clock,
            NullLogger<AuthServiceClient>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public AuthPathResilienceOptions Options { get; }

    public AuthPathCircuit Circuit { get; }

    public ScriptedHandler Inner { get; } = new();

    public AuthServiceClient Client { get; }

    public List<Polly.CircuitBreaker.CircuitState> Transitions { get; } = [];

    /// <summary>One probe call through the pipeline, driving the fake clock through back-off and timeouts.</summary>
    public Task<string?> CallAsync() => Clock.DriveAsync(Client.ProbeAsync(CancellationToken.None));

    public void Dispose() => _services.Dispose();

    /// <summary>Answers with <see cref="Status"/>, throws when <see cref="Fail"/> is set, hangs when <see cref="Hang"/>.</summary>
    internal sealed class ScriptedHandler : HttpMessageHandler
    {
        private int _calls;

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public Exception? Fail { get; set; }

        public bool Hang { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (Fail is not null)
            {
                throw Fail;
            }

            return new HttpResponseMessage(Status);
        }
    }
}
