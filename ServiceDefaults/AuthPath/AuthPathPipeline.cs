using System.Net.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// The auth path's resilience pipeline, outer to inner: total timeout → retry → circuit breaker → attempt timeout.
/// </summary>
/// <remarks>
/// The DI singleton builds the pipeline once per process and every auth-path HTTP handler shares that instance.
/// The resilience registry caches what <c>AddResilienceHandler</c> builds by name, but through
/// <c>ConcurrentDictionary.GetOrAdd</c>, whose factory may run twice under a race; and several clients, a reload or
/// per-authority selection would each build their own. A second breaker would try to claim
/// <see cref="AuthPathCircuit.StateProvider"/> and throw "already initialized" on the first call, so the breaker
/// lives here, behind a <see cref="Lazy{T}"/>, and the registry's pipeline only wraps it.
/// </remarks>
public sealed class AuthPathPipeline(
    IOptions<AuthPathResilienceOptions> options,
    AuthPathCircuit circuit,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    public const string Name = "auth-path";

    private readonly Lazy<ResiliencePipeline<HttpResponseMessage>> _instance = new(
        () => Configure(
                new ResiliencePipelineBuilder<HttpResponseMessage> { Name = Name, TimeProvider = timeProvider },
                options.Value,
                circuit)
            .ConfigureTelemetry(loggerFactory)
            .Build(),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process's single auth-path pipeline, built on first use.</summary>
    public ResiliencePipeline<HttpResponseMessage> Instance => _instance.Value;

    /// <summary>
    /// Adds the auth path's strategies to <paramref name="builder"/>. Pure composition: the caller sets the builder's
    /// <see cref="ResiliencePipelineBuilderBase.TimeProvider"/> and must build the result at most once per
    /// <paramref name="circuit"/>.
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        AuthPathResilienceOptions options,
        AuthPathCircuit circuit)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(circuit);

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "auth-path-total-timeout",
            Timeout = options.TotalTimeout,
        });

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "auth-path-retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = true,
                // Once the circuit is open a retry could only be rejected: answer now instead of after the delay.
                ShouldHandle = args => ValueTask.FromResult(AuthPathOutcomes.IsRetryable(args.Outcome) && !circuit.IsOpen),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "auth-path-circuit-breaker",
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(AuthPathOutcomes.IsFailure(args.Outcome)),
            StateProvider = circuit.StateProvider,
            OnOpened = circuit.OnOpenedAsync,
            OnHalfOpened = circuit.OnHalfOpenedAsync,
            OnClosed = circuit.OnClosedAsync,
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "auth-path-attempt-timeout",
            Timeout = options.AttemptTimeout,
        });

        return builder;
    }
}
