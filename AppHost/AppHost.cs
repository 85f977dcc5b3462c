using System.Globalization;
using AppHost.HostExecutables;
using AppHost.Infrastructure;
using AppHost.Summary;

var builder = DistributedApplication.CreateBuilder(args);

var authServiceReplicas = builder.Configuration.GetValue("AppHost:AuthServiceReplicas", 1);
var chatApiReplicas = builder.Configuration.GetValue("AppHost:ChatApiReplicas", 2);
// PostgreSQL's max_connections, and each service's pool, so that all pools at their fullest fit (ConnectionBudget).
var connections = ConnectionBudget.From(builder.Configuration, authServiceReplicas, chatApiReplicas);

// PostgreSQL and Redis: containers where an engine answers (and always when publishing), else this machine's own
// programs as resources of the same names, connection strings and health checks (README, "PostgreSQL and Redis").
IResourceBuilder<IResourceWithConnectionString> chatDb;
IResourceBuilder<IResourceWithConnectionString> cache;
if (builder.GetInfrastructureMode() is InfrastructureMode.Containers)
{
    chatDb = builder.AddPostgres("postgres").WithDataVolume()
        .WithArgs("-c", $"max_connections={connections.MaxConnectionsSetting}")
        .AddDatabase("chatdb");
#pragma warning disable ASPIRECERTIFICATES001 // Plain TCP inside the app network, as the executable runs it.
    cache = builder.AddRedis("cache").WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
}
else
{
    chatDb = builder.AddPostgresExecutable("postgres")
        .WithSetting("max_connections", connections.MaxConnectionsSetting)
        .AddDatabase("chatdb");
    cache = builder.AddRedisExecutable("cache");
}

// Encrypts the private signing keys AuthService keeps in chatdb; generated once and kept in user secrets.
var signingKeySecret = builder.AddParameter(
    "signing-key-encryption-secret",
    new GenerateParameterDefault { MinLength = 48, Special = false },
    secret: true,
    persist: true);

var authService = builder.AddProject<Projects.AuthService>("authservice")
    .WithReplicas(authServiceReplicas)
    .WithExternalHttpEndpoints()
    .WithReference(chatDb).WaitFor(chatDb)
    .WithEnvironment(ConnectionBudget.PoolSizeEnvironmentVariable, connections.AuthServicePoolSize.ToString(CultureInfo.InvariantCulture))
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Auth__SigningKeyEncryptionSecret", signingKeySecret)
    .WithHttpHealthCheck("/health");

var chatApi = builder.AddProject<Projects.ChatApi>("chatapi")
    .WithReplicas(chatApiReplicas)
    .WithExternalHttpEndpoints()
    .WithReference(chatDb).WaitFor(chatDb)
    .WithEnvironment(ConnectionBudget.PoolSizeEnvironmentVariable, connections.ChatApiPoolSize.ToString(CultureInfo.InvariantCulture))
    .WithReference(cache).WaitFor(cache)
    .WithReference(authService).WaitFor(authService)
    .WithHttpHealthCheck("/health");

// Optional OpenAI-compatible model for agent runs (Endpoint=...;Key=...;Model=...); without it ChatApi uses its local model.
if (builder.Configuration.GetConnectionString("openai") is not null)
{
    chatApi.WithReference(builder.AddConnectionString("openai"));
}

// The browser client: static files, and /auth/* and /ws forwarded to the services, so the page has one origin.
var webFrontend = builder.AddProject<Projects.WebFrontend>("webfrontend")
    .WithExternalHttpEndpoints()
    .WithReference(authService).WaitFor(authService)
    .WithReference(chatApi).WaitFor(chatApi)
    .WithHttpHealthCheck("/health");

// ChatApi refuses WebSockets from browser origins it does not know: the front end's page is one it knows.
chatApi.WithEnvironment("Chat__AllowedOrigins__0", webFrontend.GetEndpoint("http"));

// Once everything is healthy, the console lists the addresses people and scripts need.
builder.Services.AddHostedService<StartupSummary>();

builder.Build().Run();
