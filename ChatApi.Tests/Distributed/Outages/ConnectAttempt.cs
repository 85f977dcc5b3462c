using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>
/// One <c>GET /ws</c> by a new client: when it started (on the outage's clock), how long the answer took, the status
/// (101 when upgraded; the session is closed again at once) and the Retry-After header of a refusal.
/// </summary>
public sealed record ConnectAttempt(TimeSpan At, TimeSpan Elapsed, HttpStatusCode Status, int? RetryAfterSeconds)
{
    public bool Upgraded => Status == HttpStatusCode.SwitchingProtocols;

    public static async Task<ConnectAttempt> TryAsync(Uri chatApi, string token, Stopwatch clock)
    {
        var at = clock.Elapsed;
        var stopwatch = Stopwatch.StartNew();
        var (socket, status, headers) = await ChatSocket.TryConnectAsync(chatApi, token);
        var elapsed = stopwatch.Elapsed;
        if (socket is not null)
        {
            await socket.DisposeAsync();
            return new ConnectAttempt(at, elapsed, HttpStatusCode.SwitchingProtocols, null);
        }

        int? retryAfter = headers.TryGetValue("Retry-After", out var values)
            && int.TryParse(values.Single(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : null;
        return new ConnectAttempt(at, elapsed, status, retryAfter);
    }

    public override string ToString() =>
        $"at {At.TotalSeconds,6:0.000} s: {(int)Status} in {Elapsed.TotalMilliseconds,6:0} ms{(RetryAfterSeconds is { } seconds ? $", Retry-After {seconds}" : string.Empty)}";
}
