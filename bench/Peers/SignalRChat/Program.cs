using SignalRChat;
using StackExchange.Redis;

// Listens where ASPNETCORE_URLS says; the backplane's Redis comes from ConnectionStrings:redis. Every replica started
// with the same Redis shares the groups, so a member on either replica gets what is sent to its room.
var builder = WebApplication.CreateSlimBuilder(args);
var redis = builder.Configuration.GetConnectionString("redis")
    ?? throw new InvalidOperationException("ConnectionStrings:redis is required (the backplane).");
builder.Services.AddSignalR()
    .AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("chatbench"));

var app = builder.Build();
app.MapGet("/health", () => "ok");
app.MapHub<ChatHub>("/chat");
app.Run();
