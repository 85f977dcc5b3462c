using System.Diagnostics;
using ChatBench.Hosting;
using ChatBench.Measurement;
using ChatBench.Systems;

namespace ChatBench.Scenarios;

/// <summary>
/// Our answers when a dependency is gone (no peer has the dependencies): connects with fresh tokens while AuthService is
/// stopped, and readiness (<c>GET /health</c>) with every dependency up, PostgreSQL frozen, AuthService stopped.
/// Sequential requests to one replica: this is about how fast a failure is answered, not throughput.
/// </summary>
internal static class Faults
{
    public static async Task RunAsync(OurSystem system)
    {
        var report = BenchConsole.Report;
        var app = system.Topology;
        var replica = app.ChatApi[0];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        report.WriteLine();
        report.WriteLine("### ours under faults (sequential, one replica)");
        report.WriteLine();
        report.WriteLine("| case | n | answers | p50 / p99 / max ms |");
        report.WriteLine("| --- | --- | --- | --- |");

        var tokens = (await system.Auth.FreshTokensAsync(200)).ToList();
        await app.StopAsync("authservice");
        try
        {
            var (latency, answers) = await TimeAsync(tokens.Count, index =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(replica, "/ws"));
                request.Headers.Authorization = new("Bearer", tokens[index]);
                request.Headers.Add("Connection", "Upgrade");
                request.Headers.Add("Upgrade", "websocket");
                request.Headers.Add("Sec-WebSocket-Version", "13");
                request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
                return http.SendAsync(request);
            });
            report.WriteLine($"| connect, fresh token, AuthService stopped | {latency.Count} | {answers} | {latency.Percentiles()} |");
        }
        finally
        {
            await app.StartAsync("authservice");
        }

        var health = await TimeAsync(300, _ => http.GetAsync(new Uri(replica, "/health")));
        report.WriteLine($"| readiness, all dependencies up | {health.Latency.Count} | {health.Answers} | {health.Latency.Percentiles()} |");

        app.Pause("postgres");
        try
        {
            var frozen = await TimeAsync(30, _ => http.GetAsync(new Uri(replica, "/health")));
            report.WriteLine($"| readiness, PostgreSQL frozen (SIGSTOP) | {frozen.Latency.Count} | {frozen.Answers} | {frozen.Latency.Percentiles()} |");
        }
        finally
        {
            app.Resume("postgres");
        }

        await app.StopAsync("authservice");
        try
        {
            var authDown = await TimeAsync(30, _ => http.GetAsync(new Uri(replica, "/health")));
            report.WriteLine($"| readiness, AuthService stopped | {authDown.Latency.Count} | {authDown.Answers} | {authDown.Latency.Percentiles()} |");
        }
        finally
        {
            await app.StartAsync("authservice");
        }
    }

    private static async Task<(Latency Latency, string Answers)> TimeAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var latency = new Latency();
        var answers = new SortedDictionary<int, int>();
        for (var index = 0; index < count; index++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await send(index);
            await response.Content.ReadAsStringAsync();
            latency.Record(start);
            answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
        }

        return (latency, string.Join(", ", answers.Select(pair => $"{pair.Key} ×{pair.Value}")));
    }
}
