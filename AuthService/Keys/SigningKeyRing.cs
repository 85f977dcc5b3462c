using System.Collections.Frozen;

namespace AuthService.Keys;

/// <summary>
/// The signing keys every replica works from, cached in memory: loaded from <c>auth.signing_keys</c> at start,
/// reloaded on every maintenance pass and when a token names a key id not seen yet.
/// </summary>
public sealed partial class SigningKeyRing(
    SigningKeyStore store,
    SigningKeyFactory factory,
    SigningKeySchedule schedule,
    TimeProvider timeProvider,
    ILogger<SigningKeyRing> logger) : IDisposable
{
    // An unknown kid reloads at most this often, so forged key ids cannot hammer the database.
    private static readonly TimeSpan UnknownKidReloadInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile FrozenDictionary<string, SigningKey> _keys = FrozenDictionary<string, SigningKey>.Empty;
    private long _lastLoadTimestamp;

    /// <summary>The key that signs now, or null when none is usable (maintenance has not run or failed for long).</summary>
    public SigningKey? CurrentSigningKey() =>
        schedule.SelectSigningKey(_keys.Values.Where(key => key.Credentials is not null), key => key.Timeline, timeProvider.GetUtcNow());

    /// <summary>Keys whose tokens may still be in date, newest first: the JWKS.</summary>
    public IReadOnlyList<SigningKey> PublishedKeys()
    {
        var now = timeProvider.GetUtcNow();
        return [.. _keys.Values.Where(key => schedule.IsVerifiable(key.Timeline, now)).OrderByDescending(key => key.Timeline.ActivatesAt)];
    }

    /// <summary>The key for <paramref name="kid"/> if it is ours and still verifies, reloading once if it is not known yet.</summary>
    public async ValueTask<SigningKey?> FindVerificationKeyAsync(string kid, CancellationToken cancellationToken)
    {
        if (Find(kid) is { } key)
        {
            return key;
        }

        if (timeProvider.GetElapsedTime(Interlocked.Read(ref _lastLoadTimestamp)) < UnknownKidReloadInterval)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Find(kid) is null && timeProvider.GetElapsedTime(Interlocked.Read(ref _lastLoadTimestamp)) >= UnknownKidReloadInterval)
            {
                // Counted from the attempt, so that while the database is down forged kids do not queue up on it.
                Interlocked.Exchange(ref _lastLoadTimestamp, timeProvider.GetTimestamp());
                Replace(await store.LoadAsync(cancellationToken));
            }
        }
        finally
        {
            _gate.Release();
        }

        return Find(kid);
    }

    /// <summary>
    /// Reloads the keys, creates the next one when it is due (once across replicas), and deletes keys no token
    /// can depend on any more.
    /// </summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Replace(await store.LoadAsync(cancellationToken));

            if (NextKeyDue(_keys.Values) is not null)
            {
                var (added, stored) = await store.AddIfDueAsync(
                    underLock =>
                    {
                        // Decide again on what the lock shows: another replica may just have added the key.
                        var timeline = NextKeyDue(underLock.Select(Materialize).OfType<SigningKey>());
                        return timeline is { } due ? factory.Create(due, timeProvider.GetUtcNow()) : null;
                    },
                    cancellationToken);
                Replace(stored);
                if (added is not null)
                {
                    LogKeyCreated(logger, added.Kid, added.Timeline.ActivatesAt, added.Timeline.RetiresAt);
                }
            }

            var now = timeProvider.GetUtcNow();
            var expired = _keys.Values.Where(key => !schedule.IsVerifiable(key.Timeline, now)).Select(key => key.Kid).ToArray();
            if (expired.Length > 0)
            {
                await store.DeleteAsync(expired, cancellationToken);
                _keys = _keys.Where(pair => !expired.Contains(pair.Key)).ToFrozenDictionary();
                LogKeysDeleted(logger, expired.Length);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private SigningKey? Find(string kid) =>
        _keys.TryGetValue(kid, out var key) && schedule.IsVerifiable(key.Timeline, timeProvider.GetUtcNow()) ? key : null;

    private SigningKeyTimeline? NextKeyDue(IEnumerable<SigningKey> keys) =>
        schedule.NextKeyDue([.. keys.Where(key => key.Credentials is not null).Select(key => key.Timeline)], timeProvider.GetUtcNow());

    /// <summary>Reuses keys already loaded (no decryption or logging again), loads new ones.</summary>
    private SigningKey? Materialize(StoredSigningKey stored) =>
        _keys.TryGetValue(stored.Kid, out var known) ? known : factory.Load(stored);

    private void Replace(IReadOnlyList<StoredSigningKey> stored)
    {
        _keys = stored.Select(Materialize).OfType<SigningKey>().ToFrozenDictionary(key => key.Kid, StringComparer.Ordinal);
        Interlocked.Exchange(ref _lastLoadTimestamp, timeProvider.GetTimestamp());
    }

    [LoggerMessage(LogLevel.Information, "Created signing key {Kid}: signs from {ActivatesAt:O} until {RetiresAt:O}.")]
    private static partial void LogKeyCreated(ILogger logger, string kid, DateTimeOffset activatesAt, DateTimeOffset retiresAt);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} expired signing key(s).")]
    private static partial void LogKeysDeleted(ILogger logger, int count);
}
