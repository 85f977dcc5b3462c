namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// What "refused fast" means, seen from the test host, for refusals the system decides without I/O (an open auth
/// circuit, the readiness report). The typical one is an HTTP round trip, so the median is held to
/// <see cref="TypicalBound"/>. Any single one may meet a stall of the two shared cores (CI once saw 927 ms among
/// refusals of 5–30 ms), which is not a wait on a dependency, so each one is held only to the generous
/// <see cref="EachBound"/>. That no refusal waited on a dependency is asserted from what decided it (the reason
/// ChatApi logged, <see cref="TokenRefusalLog"/>; a cached token refused by the readiness gate), not from the clock.
/// </summary>
internal static class RefusalTiming
{
    public static readonly TimeSpan TypicalBound = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan EachBound = TimeSpan.FromSeconds(2);

    public static void AssertFast(IReadOnlyList<ConnectAttempt> refusals)
    {
        Assert.NotEmpty(refusals);
        var times = refusals.Select(refusal => refusal.Elapsed).Order().ToList();
        var median = times[times.Count / 2];
        Assert.True(
            median < TypicalBound,
            $"the median of {refusals.Count} refusals took {median.TotalMilliseconds:0} ms:{Environment.NewLine}{string.Join(Environment.NewLine, refusals)}");
        Assert.All(refusals, refusal => Assert.True(refusal.Elapsed < EachBound, $"a refusal took {refusal.Elapsed.TotalMilliseconds:0} ms: {refusal}"));
    }
}
