using System.Diagnostics.Metrics;
using ChatApi.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using ServiceDefaults.AuthPath;

namespace ChatApi.Tests.Unit.AuthPath;

public sealed class AuthTelemetryAndOptionsTests
{
    [Fact]
    public async Task Validations_are_counted_by_outcome_and_source_without_the_token()
    {
        using var host = AuthTestHost.Create();
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var validations = new MetricCollector<long>(meterFactory, AuthTelemetry.Name, "chat.auth.validations");
        using var introspections = new MetricCollector<double>(meterFactory, AuthTelemetry.Name, "chat.auth.introspection.duration");
        var token = host.Token();

        await host.Validator.ValidateAsync(token, CancellationToken.None);
        await host.Validator.ValidateAsync(token, CancellationToken.None);
        await host.Validator.ValidateAsync("garbage", CancellationToken.None);

        var recorded = validations.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags["outcome"]}/{m.Tags["source"]}")
            .ToList();
        Assert.Equal(["valid/introspection", "valid/memory", "invalid/local"], recorded);
        Assert.DoesNotContain(validations.GetMeasurementSnapshot(), m => m.Tags.Values.Any(value => value?.ToString()?.Contains(token, StringComparison.Ordinal) == true));
        Assert.Single(introspections.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task The_circuit_exports_its_state_and_its_transitions()
    {
        using var host = AuthTestHost.Create();
        var circuit = host.Circuit;
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var state = new MetricCollector<int>(meterFactory, AuthPathCircuit.MeterName, "authpath.circuit.state");
        using var transitions = new MetricCollector<long>(meterFactory, AuthPathCircuit.MeterName, "authpath.circuit.transitions");

        state.RecordObservableInstruments();
        Assert.Equal(0, state.LastMeasurement!.Value);

        await host.OpenCircuitAsync();
        state.RecordObservableInstruments();
        Assert.Equal(2, state.LastMeasurement!.Value);
        Assert.Equal("open", transitions.LastMeasurement!.Tags["state"]);

        host.Clock.Advance(TimeSpan.FromSeconds(5));
        state.RecordObservableInstruments();
        Assert.Equal(1, state.LastMeasurement!.Value);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.HalfOpen, circuit.State);
    }

    [Theory]
    [InlineData("Auth:ClockSkew", "00:01:00")]
    [InlineData("Auth:CacheLifetime", "00:10:00")]
    [InlineData("Auth:Issuer", "")]
    [InlineData("Auth:HealthProbeTimeout", "00:00:01")]
    [InlineData("AuthPath:Resilience:MinimumThroughput", "1")]
    [InlineData("AuthPath:Resilience:AttemptTimeout", "00:00:05")]
    public void Out_of_range_settings_are_refused(string key, string value)
    {
        using var host = AuthTestHost.Create(new Dictionary<string, string?> { [key] = value });

        Assert.Throws<OptionsValidationException>(() =>
        {
            _ = host.Services.GetRequiredService<IOptions<ChatAuthOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<AuthPathResilienceOptions>>().Value;
        });
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        using var host = AuthTestHost.Create();
        var auth = host.Services.GetRequiredService<IOptions<ChatAuthOptions>>().Value;
        var path = host.Services.GetRequiredService<IOptions<AuthPathResilienceOptions>>().Value;

        Assert.Equal(("chat-authservice", "chatapi"), (auth.Issuer, auth.Audience));
        Assert.Equal(TimeSpan.FromSeconds(30), auth.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(10), auth.JwksRefreshCooldown);
        Assert.Equal(TimeSpan.FromMinutes(5), auth.CacheLifetime);
        Assert.False(auth.AcceptUnintrospectedTokensWhenAuthUnavailable);
        Assert.Equal(TimeSpan.FromMilliseconds(500), path.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(600), path.TotalTimeout);
        Assert.Equal(1, path.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), path.RetryDelay);
        Assert.Equal(0.5, path.FailureRatio);
        Assert.Equal(3, path.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(3), path.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), path.BreakDuration);
    }
}
