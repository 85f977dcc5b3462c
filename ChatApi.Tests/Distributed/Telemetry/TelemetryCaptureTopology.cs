namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>A topology whose services export their telemetry to an in-test <see cref="OtlpCapture"/>.</summary>
public abstract class TelemetryCaptureTopology(int chatApiReplicas) : TopologyFixture, IDisposable
{
    public OtlpCapture Capture { get; } = new();

    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = chatApiReplicas,
        ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
        {
            ["chatapi"] = Capture.ExporterEnvironment(),
            ["authservice"] = Capture.ExporterEnvironment(),
        },
    };

    public void Dispose() => Capture.Dispose();
}
