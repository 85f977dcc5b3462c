using System.Buffers.Binary;

namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>
/// Reads number data points out of an OTLP/HTTP protobuf <c>ExportMetricsServiceRequest</c> (<see cref="OtlpWire"/>):
/// resource_metrics(1) → resource(1) for service.name, and scope_metrics(2) → metrics(2) → name(1), gauge(5) or
/// sum(7) → data_points(1) → time_unix_nano(3), as_double(4) or as_int(6). Histograms are skipped.
/// </summary>
public static class OtlpMetricReader
{
    public static IReadOnlyList<OtlpMetricPoint> Read(byte[] request)
    {
        var points = new List<OtlpMetricPoint>();
        foreach (var (field, resourceMetrics) in OtlpWire.Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = string.Empty;
            foreach (var (part, value) in OtlpWire.Fields(resourceMetrics))
            {
                if (part == 1)
                {
                    service = OtlpWire.ServiceName(value) ?? service;
                }
                else if (part == 2)
                {
                    foreach (var (scopeField, metric) in OtlpWire.Fields(value))
                    {
                        if (scopeField == 2)
                        {
                            ReadMetric(service, metric, points);
                        }
                    }
                }
            }
        }

        return points;
    }

    private static void ReadMetric(string service, byte[] metric, List<OtlpMetricPoint> points)
    {
        var name = string.Empty;
        foreach (var (field, value) in OtlpWire.Fields(metric))
        {
            if (field == 1)
            {
                name = System.Text.Encoding.UTF8.GetString(value);
            }
            else if (field is 5 or 7)
            {
                foreach (var (dataField, point) in OtlpWire.Fields(value))
                {
                    if (dataField == 1)
                    {
                        points.Add(ReadPoint(service, name, point));
                    }
                }
            }
        }
    }

    private static OtlpMetricPoint ReadPoint(string service, string name, byte[] point)
    {
        ulong time = 0;
        double number = 0;
        foreach (var (field, value) in OtlpWire.Fields(point))
        {
            switch (field)
            {
                case 3: time = BinaryPrimitives.ReadUInt64LittleEndian(value); break;
                case 4: number = BinaryPrimitives.ReadDoubleLittleEndian(value); break;
                case 6: number = BinaryPrimitives.ReadInt64LittleEndian(value); break;
            }
        }

        return new OtlpMetricPoint(service, name, time, number);
    }
}
