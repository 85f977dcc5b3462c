namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>One exported data point of a number metric (a sum or a gauge): which service, when, and its value.</summary>
public sealed record OtlpMetricPoint(string Service, string Name, ulong TimeUnixNano, double Value);
