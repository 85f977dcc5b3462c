// Aspire.Hosting and Aspire.Hosting.ApplicationModel are implicit usings of Aspire.Hosting.AppHost; the configuration
// extensions (GetValue, GetConnectionString) are not.
using Microsoft.Extensions.Configuration;

// Aspire mode (UseAspire=true): the canonical AppHost. Local mode (Local/) builds the same topology from processes.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
if (builder.Configuration.GetValue("AppHost:UseVolumes", true))
{
    // Tests turn volumes off: a volume outlives the generated password it was initialised with.
    postgres.WithDataVolume();
}

var chatDb = postgres.AddDatabase("chatdb");

#pragma warning disable ASPIRECERTIFICATES001 // Plain TCP inside the app network; no dev certificate needed for Redis.
var cache = builder.AddRedis("cache")
    .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

// Encrypts the private signing keys AuthService keeps in chatdb; generated once and kept in user secrets.
var signingKeySecret = builder.AddParameter(
    "signing-key-encryption-secret",
    new GenerateParameterDefault { MinLength = 48, Special = false },
    secret: true,
    persist: true);

var authService = builder.AddProject<Projects.AuthService>("authservice")
    .WithReplicas(builder.Configuration.GetValue("AppHost:AuthServiceReplicas", 1))
    .WithExternalHttpEndpoints()
    .WithReference(chatDb).WaitFor(chatDb)
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Auth__SigningKeyEncryptionSecret", signingKeySecret)
    .WithHttpHealthCheck("/health");

var chatApi = builder.AddProject<Projects.ChatApi>("chatapi")
    .WithReplicas(builder.Configuration.GetValue("AppHost:ChatApiReplicas", 2))
    .WithExternalHttpEndpoints()
    .WithReference(chatDb).WaitFor(chatDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(authService).WaitFor(authService)
    .WithHttpHealthCheck("/health");

// Optional OpenAI-compatible model for agent runs (Endpoint=...;Key=...;Model=...); without it ChatApi uses its local model.
if (builder.Configuration.GetConnectionString("openai") is not null)
{
    chatApi.WithReference(builder.AddConnectionString("openai"));
}

builder.Build().Run();
