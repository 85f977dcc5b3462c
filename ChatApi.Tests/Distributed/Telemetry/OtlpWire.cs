namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>The protobuf wire format, as much of it as reading OTLP requests without generated code needs.</summary>
public static class OtlpWire
{
    /// <summary>The <c>service.name</c> attribute of an OTLP <c>Resource</c>.</summary>
    public static string? ServiceName(byte[] resource)
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
    public static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
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

    public static byte[] ReadValue(byte[] message, ref int position, int wireType)
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

    public static ulong ReadVarint(byte[] message, ref int position)
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
