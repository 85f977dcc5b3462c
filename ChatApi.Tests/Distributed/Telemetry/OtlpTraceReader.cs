namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>
/// Reads spans out of an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c> with a minimal wire-format parser
/// (no generated code needed): resource_spans(1) → resource(1).attributes(1) for service.name, and
/// scope_spans(2) → spans(2) → trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6).
/// </summary>
public static class OtlpTraceReader
{
    public static IReadOnlyList<OtlpSpan> Read(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = string.Empty;
            foreach (var (part, value) in Fields(resourceSpans))
            {
                if (part == 1)
                {
                    service = ServiceName(value) ?? service;
                }
                else if (part == 2)
                {
                    foreach (var (scopeField, span) in Fields(value))
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
            var key = ReadVarint(span, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            if (wireType == 0)
            {
                var value = ReadVarint(span, ref position);
                if (field == 6)
                {
                    kind = (int)value;
                }

                continue;
            }

            var bytes = ReadValue(span, ref position, wireType);
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

    private static string? ServiceName(byte[] resource)
    {
        foreach (var (field, attribute) in Fields(resource))
        {
            if (field != 1)
            {
                continue;
            }

            string? key = null, value = null;
            foreach (var (part, bytes) in Fields(attribute))
            {
                if (part == 1)
                {
                    key = System.Text.Encoding.UTF8.GetString(bytes);
                }
                else if (part == 2)
                {
                    value = Fields(bytes).Where(any => any.Field == 1).Select(any => System.Text.Encoding.UTF8.GetString(any.Value)).FirstOrDefault();
                }
            }

            if (key == "service.name")
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The length-delimited and fixed fields of a message; varints are skipped.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            if (wireType == 0)
            {
                ReadVarint(message, ref position);
                continue;
            }

            yield return (field, ReadValue(message, ref position, wireType));
        }
    }

    private static byte[] ReadValue(byte[] message, ref int position, int wireType)
    {
        var length = wireType switch
        {
            1 => 8,
            2 => (int)ReadVarint(message, ref position),
            5 => 4,
            _ => throw new FormatException($"Unsupported wire type {wireType}."),
        };
        var value = message.AsSpan(position, length).ToArray();
        position += length;
        return value;
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
