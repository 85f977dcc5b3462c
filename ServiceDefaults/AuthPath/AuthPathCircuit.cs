using System.Diagnostics.Metrics;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace ServiceDefaults.AuthPath;

/// <summary>
/// The one circuit breaker of the auth path in this process: its state (read without I/O), how long a client should
/// wait while it is open, its log lines and its metrics.
/// </summary>
/// <remarks>
/// A <see cref="CircuitBreakerStateProvider"/> can be attached to a single breaker only; <see cref="AuthPathPipeline"/>
/// builds that breaker exactly once. Polly moves an open circuit to half-open lazily, on the first call after the
/// break; <see cref="State"/> reports such a circuit as <see cref="CircuitState.HalfOpen"/> already, because that next
/// call is let through as the probe, so callers must not short-circuit it.
/// </remarks>
public sealed partial class AuthPathCircuit
{
    public const string MeterName = "ServiceDefaults.AuthPath";

    /// <summary>What a client is told to wait while the probe call is in flight: it ends within one attempt.</summary>
    public static readonly TimeSpan ProbeRetryAfter = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AuthPathCircuit> _logger;
    private readonly Counter<long> _transitions;
    private long _openUntilUtcTicks;

    public AuthPathCircuit(TimeProvider timeProvider, ILogger<AuthPathCircuit> logger, IMeterFactory meterFactory)
    {
        _timeProvider = timeProvider;
        _logger = logger;

        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "authpath.circuit.state",
            () => StateCode(State),
            description: "State of the auth path's circuit breaker: 0 closed, 1 half-open, 2 open.");
        _transitions = meter.CreateCounter<long>(
            "authpath.circuit.transitions",
            description: "Transitions of the auth path's circuit breaker, by the state entered.");
    }

    /// <summary>Attached to the auth path's breaker by <see cref="AuthPathPipeline.Configure"/>.</summary>
    public CircuitBreakerStateProvider StateProvider { get; } = new();

    /// <summary>Raised after every transition, with the state entered.</summary>
    public event Action<CircuitState>? StateChanged;

    /// <summary>The circuit's state, no I/O. An open circuit whose break has elapsed reports half-open (see remarks).</summary>
    public CircuitState State
    {
        get
        {
            var state = StateProvider.CircuitState;
            return state == CircuitState.Open && RemainingBreak() <= TimeSpan.Zero ? CircuitState.HalfOpen : state;
        }
    }

    /// <summary>True while calls are rejected without reaching AuthService.</summary>
    public bool IsOpen => State is CircuitState.Open or CircuitState.Isolated;

    /// <summary>
    /// How long a client should wait before trying again: the time left in the break while open, the probe's
    /// duration while half-open, zero while closed.
    /// </summary>
    public TimeSpan RetryAfter => State switch
    {
        CircuitState.Open => RemainingBreak(),
        CircuitState.Isolated => ProbeRetryAfter,
        CircuitState.HalfOpen => ProbeRetryAfter,
        _ => TimeSpan.Zero,
    };

    internal ValueTask OnOpenedAsync(OnCircuitOpenedArguments<HttpResponseMessage> args)
    {
        var openUntil = _timeProvider.GetUtcNow() + args.BreakDuration;
        Interlocked.Exchange(ref _openUntilUtcTicks, openUntil.UtcTicks);
        LogOpened(_logger, (long)args.BreakDuration.TotalMilliseconds, DescribeFailure(args.Outcome));
        Transitioned(CircuitState.Open);
        return ValueTask.CompletedTask;
    }

    internal ValueTask OnHalfOpenedAsync(OnCircuitHalfOpenedArguments args)
    {
        LogHalfOpened(_logger);
        Transitioned(CircuitState.HalfOpen);
        return ValueTask.CompletedTask;
    }

    internal ValueTask OnClosedAsync(OnCircuitClosedArguments<HttpResponseMessage> args)
    {
        LogClosed(_logger);
        Transitioned(CircuitState.Closed);
        return ValueTask.CompletedTask;
    }

    internal static string DescribeFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } exception } => exception.GetType().Name,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "unknown",
    };

    private static int StateCode(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };

    private static string StateTag(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        _ => "open",
    };

    private TimeSpan RemainingBreak()
    {
        var openUntil = new DateTimeOffset(Interlocked.Read(ref _openUntilUtcTicks), TimeSpan.Zero);
        var left = openUntil - _timeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void Transitioned(CircuitState state)
    {
        _transitions.Add(1, new KeyValuePair<string, object?>("state", StateTag(state)));
        try
        {
            StateChanged?.Invoke(state);
        }
        catch (Exception exception)
        {
            // Runs inside Polly's transition: a subscriber's bug must not fail the call that caused it.
            LogSubscriberFailed(_logger, exception);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Auth path circuit opened for {BreakDurationMs} ms after {FailureReason}: calls to AuthService fail fast")]
    private static partial void LogOpened(ILogger logger, long breakDurationMs, string failureReason);

    [LoggerMessage(LogLevel.Information, "Auth path circuit half-open: probing AuthService")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Auth path circuit closed: AuthService answers again")]
    private static partial void LogClosed(ILogger logger);

    [LoggerMessage(LogLevel.Error, "A subscriber to the auth path circuit's state changes failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
