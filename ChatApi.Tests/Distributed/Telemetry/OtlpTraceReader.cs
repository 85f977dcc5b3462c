namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>
/// Reads spans out of an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c> with a minimal wire-format parser (<see cref="OtlpWire"/>)
/// (no generated code needed): resource_spans(1) → resource(1).attributes(1) for service.name, and
/// scope_spans(2) → spans(2) → trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6).
/// </summary>
public static class OtlpTraceReader
{
    public static IReadOnlyList<OtlpSpan> Read(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans) in OtlpWire.Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = string.Empty;
            foreach (var (part, value) in OtlpWire.Fields(resourceSpans))
            {
                if (part == 1)
                {
                    service = OtlpWire.ServiceName(value) ?? service;
                }
                else if (part == 2)
                {
                    foreach (var (scopeField, span) in OtlpWire.Fields(value))
                    {
                        if (scopeField == 2)
                        {
                            spans.Add(ReadSpan(service, span));
                        }
                    }
                }
            }
        }

        return spans;
    }

    private static OtlpSpan ReadSpan(string service, byte[] span)
    {
        string traceId = string.Empty, spanId = string.Empty, parent = string.Empty, name = string.Empty;
        var kind = 0;
        var position = 0;
        while (position < span.Length)
        {
            var key = OtlpWire.ReadVarint(span, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            if (wireType == 0)
            {
                var value = OtlpWire.ReadVarint(span, ref position);
                if (field == 6)
                {
                    kind = (int)value;
                }

                continue;
            }

            var bytes = OtlpWire.ReadValue(span, ref position, wireType);
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(bytes); break;
                case 2: spanId = Convert.ToHexStringLower(bytes); break;
                case 4: parent = Convert.ToHexStringLower(bytes); break;
                case 5: name = System.Text.Encoding.UTF8.GetString(bytes); break;
            }
        }

        return new OtlpSpan(service, name, traceId, spanId, parent, kind);
    }
}
