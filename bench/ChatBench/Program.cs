using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Testing;
using ChatBench;

// Measures the system as the AppHost runs it (through Aspire.Hosting.Testing): PostgreSQL, Redis, AuthService and two
// ChatApi replicas; this process is the clients. Everything shares the machine's cores, so numbers are a floor.
// Usage: dotnet run -c Release --project bench/ChatBench [-- fanout|connect|health ...]
var scenarios = args.Length > 0 ? args : ["fanout", "connect", "health"];
var quiet = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
await using var app = await DistributedTopology.StartAsync(new TopologyOptions
{
    ChatApiReplicas = 2,
    ServiceEnvironment = new(StringComparer.OrdinalIgnoreCase)
    {
        ["chatapi"] = new(quiet) { ["Chat__MaxConnectionsPerUser"] = "100000" },
        ["authservice"] = new(quiet),
    },
});

var http = new HttpClient();
var chatApi = app.ChatApi.ToArray();
Console.WriteLine($"# ChatBench — {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, {chatApi.Length} ChatApi replicas");

if (scenarios.Contains("fanout"))
{
    Console.WriteLine();
    Console.WriteLine("## Fan-out (rooms of 10 members spread over both replicas; every member sends)");
    Console.WriteLine();
    Console.WriteLine("| connections | offered msg/s | acked msg/s | delivered msg/s | ack p50 / p99 / max ms | delivery p50 / p99 / max ms |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
    foreach (var (connections, perSecond) in new[] { (100, 2), (100, 5), (200, 5), (200, 10), (300, 10) })
    {
        await FanOutAsync(connections, perSecond, TimeSpan.FromSeconds(10));
    }
}

if (scenarios.Contains("connect"))
{
    Console.WriteLine();
    Console.WriteLine("## Connect (sequential, GET /ws to welcome frame)");
    Console.WriteLine();
    Console.WriteLine("| case | n | answer | p50 / p99 / max ms |");
    Console.WriteLine("| --- | --- | --- | --- |");
    await ConnectAsync();
}

if (scenarios.Contains("health"))
{
    Console.WriteLine();
    Console.WriteLine("## Readiness (GET /health on a ChatApi replica, sequential)");
    Console.WriteLine();
    Console.WriteLine("| case | n | answer | p50 / p99 / max ms |");
    Console.WriteLine("| --- | --- | --- | --- |");
    await HealthAsync();
}

async Task<string> TokenAsync(string username)
{
    using var response = await http.PostAsJsonAsync(new Uri(app.AuthService, "/auth/token"), new { username, password = "bench-password" });
    response.EnsureSuccessStatusCode();
    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return body.RootElement.GetProperty("access_token").GetString()!;
}

async Task<string> UserAsync()
{
    var username = $"bench_{Guid.NewGuid():N}"[..20];
    (await http.PostAsJsonAsync(new Uri(app.AuthService, "/auth/register"), new { username, password = "bench-password" })).EnsureSuccessStatusCode();
    return username;
}

async Task FanOutAsync(int connections, int perSecond, TimeSpan duration)
{
    var token = await TokenAsync(await UserAsync());
    var clients = new List<BenchClient>();
    for (var i = 0; i < connections; i++)
    {
        var client = await BenchClient.ConnectAsync(chatApi[i % chatApi.Length], token);
        await client.JoinAsync($"bench-{connections}-{perSecond}-{i / 10}");
        clients.Add(client);
    }

    var ack = new Latency();
    var delivery = new Latency();
    var stop = new CancellationTokenSource();
    var room = (int i) => $"bench-{connections}-{perSecond}-{i / 10}";
    var readers = clients.Select(client => Task.Run(async () =>
    {
        while (await client.ReceiveAsync() is { } frame)
        {
            switch (frame.GetProperty("type").GetString())
            {
                case "message":
                    delivery.Record(BenchClient.StampOf(frame.GetProperty("text").GetString()!));
                    break;
                case "ack":
                    ack.Record(BenchClient.StampOf(frame.GetProperty("clientMsgId").GetString()!));
                    break;
            }
        }
    })).ToList();

    var started = Stopwatch.StartNew();
    var senders = clients.Select((client, index) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        // Spread the first sends so the load is smooth rather than synchronised.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000 / perSecond)));
        var sequence = 0;
        while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync())
        {
            var stamp = Stopwatch.GetTimestamp();
            await client.SendAsync(new { type = "send", room = room(index), text = BenchClient.Stamp(stamp, 64), clientMsgId = $"{stamp}|{index}-{sequence++}" });
        }
    })).ToList();

    await Task.Delay(duration);
    await stop.CancelAsync();
    await Task.WhenAll(senders);
    var sendingTime = started.Elapsed;
    await Task.Delay(TimeSpan.FromSeconds(3));
    await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
    await Task.WhenAll(readers);

    var seconds = sendingTime.TotalSeconds;
    Console.WriteLine($"| {connections} | {connections * perSecond} | {ack.Count / seconds:0} | {delivery.Count / seconds:0} | {ack.Percentiles()} | {delivery.Percentiles()} |");
}

async Task ConnectAsync()
{
    var username = await UserAsync();
    var cachedToken = await TokenAsync(username);
    await (await BenchClient.ConnectAsync(chatApi[0], cachedToken)).DisposeAsync();

    var cached = new Latency();
    for (var i = 0; i < 200; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await using var client = await BenchClient.ConnectAsync(chatApi[0], cachedToken);
        cached.Record(start);
    }

    Console.WriteLine($"| token cached | {cached.Count} | 101 | {cached.Percentiles()} |");

    var freshTokens = new List<string>();
    for (var i = 0; i < 400; i++)
    {
        freshTokens.Add(await TokenAsync(username));
    }

    var fresh = new Latency();
    foreach (var token in freshTokens.Take(200))
    {
        var start = Stopwatch.GetTimestamp();
        await using var client = await BenchClient.ConnectAsync(chatApi[0], token);
        fresh.Record(start);
    }

    Console.WriteLine($"| fresh token (introspection) | {fresh.Count} | 101 | {fresh.Percentiles()} |");

    await app.StopAsync("authservice");
    var refused = new Latency();
    var statuses = new Dictionary<HttpStatusCode, int>();
    foreach (var token in freshTokens.Skip(200))
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(chatApi[0], "/ws"));
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request);
        refused.Record(start);
        statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
    }

    Console.WriteLine($"| fresh token, AuthService stopped | {refused.Count} | {string.Join(", ", statuses.Select(pair => $"{(int)pair.Key} ×{pair.Value}"))} | {refused.Percentiles()} |");
    await app.StartAsync("authservice");
}

async Task HealthAsync()
{
    var normal = await ProbeAsync(300);
    Console.WriteLine($"| all dependencies up | {normal.Latency.Count} | {normal.Answers} | {normal.Latency.Percentiles()} |");

    app.Pause("postgres");
    try
    {
        var frozen = await ProbeAsync(30);
        Console.WriteLine($"| PostgreSQL frozen (SIGSTOP) | {frozen.Latency.Count} | {frozen.Answers} | {frozen.Latency.Percentiles()} |");
    }
    finally
    {
        app.Resume("postgres");
    }

    await app.StopAsync("authservice");
    try
    {
        var authDown = await ProbeAsync(30);
        Console.WriteLine($"| AuthService stopped | {authDown.Latency.Count} | {authDown.Answers} | {authDown.Latency.Percentiles()} |");
    }
    finally
    {
        await app.StartAsync("authservice");
    }
}

async Task<(Latency Latency, string Answers)> ProbeAsync(int count)
{
    var latency = new Latency();
    var answers = new Dictionary<int, int>();
    for (var i = 0; i < count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(new Uri(chatApi[0], "/health"));
        await response.Content.ReadAsStringAsync();
        latency.Record(start);
        answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
    }

    return (latency, string.Join(", ", answers.Select(pair => $"{pair.Key} ×{pair.Value}")));
}
