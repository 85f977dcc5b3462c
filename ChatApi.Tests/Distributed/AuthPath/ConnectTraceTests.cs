using ChatApi.Tests.Distributed.Telemetry;

namespace ChatApi.Tests.Distributed.AuthPath;

public sealed class ConnectTraceTopology() : TelemetryCaptureTopology(chatApiReplicas: 1);

/// <summary>
/// A connect is one trace: ChatApi's /ws request → its Redis lookup of the token cache and denylist → its call to
/// AuthService → AuthService's database work.
/// </summary>
public sealed class ConnectTraceTests(ConnectTraceTopology fixture) : IClassFixture<ConnectTraceTopology>
{
    [Fact]
    public async Task The_trace_of_a_connect_spans_ChatApi_Redis_AuthService_and_PostgreSQL()
    {
        var user = await TestUser.CreateAsync(fixture.Topology);
        await using (var socket = await ChatSocket.ConnectAsync(fixture.Topology.ChatApi[0], user.AccessToken))
        {
            await socket.WelcomeAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? failure;
        do
        {
            failure = Explain(fixture.Capture.Spans());
            if (failure is null)
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail(failure);
    }

    /// <summary>Null when the connect trace is complete, else what is missing.</summary>
    private static string? Explain(IReadOnlyList<OtlpSpan> spans)
    {
        var connect = spans.FirstOrDefault(span => span.Service == "chatapi" && span.Name == "GET /ws");
        if (connect is null)
        {
            return "no GET /ws span from chatapi";
        }

        var trace = spans.Where(span => span.TraceId == connect.TraceId).ToList();
        var serverSide = trace.FirstOrDefault(span => span.Service == "authservice" && span.Name.Contains("/auth/introspect", StringComparison.Ordinal));
        if (serverSide is null)
        {
            return $"no authservice introspection span in the connect's trace; trace has: {Describe(trace)}";
        }

        // The server span's parent is ChatApi's outgoing HTTP span, itself inside the connect.
        var clientSide = trace.FirstOrDefault(span => span.SpanId == serverSide.ParentSpanId);
        if (clientSide is null || clientSide.Service != "chatapi")
        {
            return $"the introspection span's parent is not a chatapi span; trace has: {Describe(trace)}";
        }

        var database = trace.FirstOrDefault(span => span.Service == "authservice" && span.Kind == 3 && span != serverSide && !span.Name.StartsWith("POST", StringComparison.Ordinal));
        if (database is null)
        {
            return $"no database span under the introspection; trace has: {Describe(trace)}";
        }

        // Aspire.StackExchange.Redis traces commands: the token cache and denylist are read in one MGET.
        var redis = trace.FirstOrDefault(span => span.Service == "chatapi" && span.Kind == 3 && span.Name == "MGET");
        return redis is null ? $"no Redis MGET span from chatapi in the connect's trace; trace has: {Describe(trace)}" : null;
    }

    private static string Describe(IEnumerable<OtlpSpan> trace) => string.Join("; ", trace.Select(span => $"{span.Service}:{span.Name}(kind {span.Kind})"));
}
