using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AuthService.Telemetry;

/// <summary>
/// The service's own spans and counters. Named after the application, which ServiceDefaults exports.
/// Tags never carry usernames, tokens or addresses: only outcomes.
/// </summary>
public sealed class AuthTelemetry
{
    public const string Name = "AuthService";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _loginsFailed;
    private readonly Counter<long> _loginsThrottled;
    private readonly Counter<long> _refreshReuseDetected;
    private readonly Counter<long> _revocations;
    private readonly Counter<long> _introspections;
    private readonly Counter<long> _rateLimited;

    public AuthTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _tokensIssued = meter.CreateCounter<long>("auth.tokens.issued", "{token}", "Access/refresh token pairs issued, by grant.");
        _loginsFailed = meter.CreateCounter<long>("auth.logins.failed", "{attempt}", "Logins rejected for bad credentials.");
        _loginsThrottled = meter.CreateCounter<long>("auth.logins.throttled", "{attempt}", "Logins refused with 429, by limit.");
        _refreshReuseDetected = meter.CreateCounter<long>("auth.refresh.reuse_detected", "{family}", "Spent refresh tokens presented again; their family was revoked.");
        _revocations = meter.CreateCounter<long>("auth.revocations", "{session}", "Sessions revoked, by reason.");
        _introspections = meter.CreateCounter<long>("auth.introspections", "{request}", "Introspection answers, by result (active, inactive, revoked).");
        _rateLimited = meter.CreateCounter<long>("auth.requests.rate_limited", "{request}", "Credential requests refused with 429 by the rate limiter.");
    }

    public void TokenIssued(string grant) => _tokensIssued.Add(1, new KeyValuePair<string, object?>("grant", grant));

    public void LoginFailed() => _loginsFailed.Add(1);

    public void LoginThrottled(string limit) => _loginsThrottled.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void RefreshReuseDetected() => _refreshReuseDetected.Add(1);

    public void SessionRevoked(string reason) => _revocations.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RequestRateLimited() => _rateLimited.Add(1);

    public void Introspected(string result) => _introspections.Add(1, new KeyValuePair<string, object?>("result", result));
}
