using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatApi.Auth;

/// <summary>
/// AuthService's signing keys (JWKS) in memory: loaded on first use, refreshed when a token names an unknown kid (at
/// most once per <see cref="ChatAuthOptions.JwksRefreshCooldown"/>) and periodically by
/// <see cref="SigningKeyRefreshService"/>. A failed refresh keeps the last good set.
/// </summary>
internal sealed partial class SigningKeyCache(
    AuthServiceClient authService,
    TimeProvider timeProvider,
    IOptions<ChatAuthOptions> options,
    AuthTelemetry telemetry,
    ILogger<SigningKeyCache> logger)
{
    /// <summary>Before any key set was ever loaded, a cold start retries this often rather than once per cooldown.</summary>
    internal static readonly TimeSpan ColdStartRetryInterval = TimeSpan.FromSeconds(1);

    private readonly SingleFlight<string, bool> _refreshes = new();
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, JsonWebKey>? _keys;
    // Outcome of the last completed fetch; one still in flight is joined, never mistaken for a failure.
    private DateTimeOffset? _lastCompleted;
    private bool _lastSucceeded;

    public bool HasKeys => Volatile.Read(ref _keys) is not null;

    public async ValueTask<SigningKeyLookup> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (TryFind(keyId) is { } found)
        {
            return found;
        }

        DateTimeOffset? lastCompleted;
        bool lastSucceeded;
        lock (_lock)
        {
            lastCompleted = _lastCompleted;
            lastSucceeded = _lastSucceeded;
        }

        var interval = HasKeys ? options.Value.JwksRefreshCooldown : ColdStartRetryInterval;
        if (lastCompleted is { } at && timeProvider.GetUtcNow() - at < interval)
        {
            // Within the cooldown: answer from the last completed fetch, without calling AuthService. Its keys were
            // published with its outcome, so look again: they may have landed since the first look.
            if (TryFind(keyId) is { } landed)
            {
                return landed;
            }

            return lastSucceeded ? new SigningKeyLookup.Unknown() : new SigningKeyLookup.Unavailable("JWKS fetch failed recently");
        }

        var refreshed = await RefreshAsync(cancellationToken);
        if (TryFind(keyId) is { } refreshedKey)
        {
            return refreshedKey;
        }

        return refreshed ? new SigningKeyLookup.Unknown() : new SigningKeyLookup.Unavailable("JWKS unavailable");
    }

    /// <summary>Fetches the key set now (concurrent callers share one fetch); false if AuthService gave none.</summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken) =>
        _refreshes.RunAsync("jwks", _ => FetchAsync(), cancellationToken);

    private SigningKeyLookup.Found? TryFind(string keyId) =>
        Volatile.Read(ref _keys) is { } keys && keys.TryGetValue(keyId, out var key) ? new SigningKeyLookup.Found(key) : null;

    private async Task<bool> FetchAsync()
    {
        var result = await authService.GetSigningKeysAsync(CancellationToken.None);
        var succeeded = result is SigningKeysResult.Loaded { Keys.Count: > 0 };
        lock (_lock)
        {
            if (result is SigningKeysResult.Loaded { Keys.Count: > 0 } loaded)
            {
                Volatile.Write(ref _keys, loaded.Keys);
            }

            _lastCompleted = timeProvider.GetUtcNow();
            _lastSucceeded = succeeded;
        }

        switch (result)
        {
            case SigningKeysResult.Loaded { Keys.Count: > 0 } loaded:
                telemetry.JwksRefreshed("success");
                LogLoaded(logger, loaded.Keys.Count);
                break;
            case SigningKeysResult.Loaded:
                telemetry.JwksRefreshed("empty");
                LogEmpty(logger);
                break;
            case SigningKeysResult.Unavailable unavailable:
                telemetry.JwksRefreshed("failure");
                LogFailed(logger, unavailable.Reason, HasKeys);
                break;
        }

        return succeeded;
    }

    [LoggerMessage(LogLevel.Debug, "Loaded {KeyCount} signing keys from AuthService")]
    private static partial void LogLoaded(ILogger logger, int keyCount);

    [LoggerMessage(LogLevel.Warning, "AuthService's JWKS has no usable ES256 signing key; keeping the previous set")]
    private static partial void LogEmpty(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Could not fetch AuthService's signing keys ({Reason}); previous set kept: {HasPreviousKeys}")]
    private static partial void LogFailed(ILogger logger, string reason, bool hasPreviousKeys);
}
