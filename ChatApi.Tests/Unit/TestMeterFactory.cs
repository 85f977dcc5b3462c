using System.Diagnostics.Metrics;

namespace ChatApi.Tests.Unit;

/// <summary>An <see cref="IMeterFactory"/> for unit tests: meters scoped to the test, observable with MetricCollector.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
