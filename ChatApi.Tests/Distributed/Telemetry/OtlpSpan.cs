namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>One exported span, as much of it as the tests look at.</summary>
public sealed record OtlpSpan(string Service, string Name, string TraceId, string SpanId, string ParentSpanId, int Kind);
