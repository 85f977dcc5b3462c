using System.Globalization;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>One step of a <see cref="FaultPlan"/>: after <paramref name="Gap"/> of calm, <paramref name="Kind"/> to <paramref name="Target"/> for <paramref name="Hold"/>, then restore.</summary>
public sealed record FaultStep(TimeSpan Gap, string Target, FaultKind Kind, TimeSpan Hold)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"after {Gap.TotalSeconds:0.0} s: {Kind.ToString().ToLowerInvariant()} {Target} for {Hold.TotalSeconds:0.0} s");
}
