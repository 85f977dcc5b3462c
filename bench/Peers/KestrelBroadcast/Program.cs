using KestrelBroadcast;

// Listens where ASPNETCORE_URLS says (the benchmark picks a free loopback port). Protocol (text frames, JSON):
//   client: {"type":"join","room":R}  {"type":"send","room":R,"text":T}
//   server: {"type":"joined","room":R}  {"type":"message","room":R,"text":T}   (to every member, the sender included)
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton<RoomRegistry>();

var app = builder.Build();
app.UseWebSockets();
app.MapGet("/health", () => "ok");
app.Map("/ws", async (HttpContext context, RoomRegistry rooms) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await new BroadcastConnection(socket, rooms).RunAsync(context.RequestAborted);
});

app.Run();
