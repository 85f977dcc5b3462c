using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatApi.Tests.Distributed.Telemetry;

/// <summary>
/// A stand-in OTLP/HTTP collector: services export to it (protobuf) and tests search what arrived. Strings travel
/// as UTF-8 inside protobuf, so "does this token appear anywhere in the telemetry" is a byte search.
/// </summary>
public sealed class OtlpCapture : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();
    private readonly Task _loop;

    public OtlpCapture()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }

        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Environment for a service to export here every 200 ms.</summary>
    public Dictionary<string, string> ExporterEnvironment() => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["OTEL_TRACES_SAMPLER"] = "always_on",
    };

    public bool Contains(string text, string? pathPrefix = null)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return _requests.Any(request =>
            (pathPrefix is null || request.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            && request.Body.AsSpan().IndexOf(needle) >= 0);
    }

    public int RequestCount => _requests.Count;

    /// <summary>Every span exported so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans() =>
        [.. _requests.Where(request => request.Path == "/v1/traces").SelectMany(request => OtlpTraceReader.Read(request.Body))];

    /// <summary>
    /// The value <paramref name="service"/> last exported for the number metric <paramref name="name"/>, measured at
    /// <paramref name="notBeforeUnixNano"/> or later; null before such an export.
    /// </summary>
    public double? LatestMetric(string service, string name, ulong notBeforeUnixNano = 0) =>
        _requests.Where(request => request.Path == "/v1/metrics")
            .SelectMany(request => OtlpMetricReader.Read(request.Body))
            .Where(point => point.Service == service && point.Name == name && point.TimeUnixNano >= notBeforeUnixNano)
            .MaxBy(point => point.TimeUnixNano)?.Value;

    /// <summary>Waits until <paramref name="text"/> shows up in exported telemetry.</summary>
    public async Task<bool> WaitForAsync(string text, string pathPrefix, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (Contains(text, pathPrefix))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return Contains(text, pathPrefix);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
