using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatApi.Auth;

/// <summary>
/// The token validation's metrics and traces (<c>ChatApi.Auth</c>, exported through ServiceDefaults' <c>ChatApi.*</c>).
/// Tags name outcomes and sources only: never a token, never a user.
/// </summary>
internal sealed class AuthTelemetry
{
    public const string Name = "ChatApi.Auth";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _validations;
    private readonly Counter<long> _cacheLookups;
    private readonly Histogram<double> _introspectionDuration;
    private readonly Counter<long> _jwksRefreshes;

    public AuthTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _validations = meter.CreateCounter<long>(
            "chat.auth.validations", description: "Token validations, by outcome (valid/invalid/unavailable) and source.");
        _cacheLookups = meter.CreateCounter<long>(
            "chat.auth.cache.lookups", description: "Token cache lookups, by layer (memory/redis) and result.");
        _introspectionDuration = meter.CreateHistogram<double>(
            "chat.auth.introspection.duration", unit: "ms", description: "Duration of introspection calls to AuthService.");
        _jwksRefreshes = meter.CreateCounter<long>(
            "chat.auth.jwks.refreshes", description: "JWKS fetches from AuthService, by result.");
    }

    public void Validated(string outcome, string source) =>
        _validations.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("source", source));

    public void CacheLookup(string layer, string result) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("layer", layer), new KeyValuePair<string, object?>("result", result));

    public void Introspected(TimeSpan duration, string result) =>
        _introspectionDuration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("result", result));

    public void JwksRefreshed(string result) =>
        _jwksRefreshes.Add(1, new KeyValuePair<string, object?>("result", result));
}
