using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace AppHost.Tests.Unit;

/// <summary>
/// What azd deploys: the AppHost's publish manifest, produced the way azd asks for it
/// (<c>dotnet run --project AppHost -- --publisher manifest</c>), describes PostgreSQL and Redis as containers
/// (whatever this machine has), the database, the services and the browser front end with their references, and
/// the secret.
/// </summary>
public sealed class PublishManifestTests
{
    [Fact]
    public async Task The_manifest_describes_containers_projects_references_and_the_secret()
    {
        var output = Directory.CreateTempSubdirectory("chat-manifest-").FullName;
        try
        {
            using var manifest = await PublishAsync(Path.Combine(output, "aspire-manifest.json"));
            var resources = manifest.RootElement.GetProperty("resources");

            var postgres = resources.GetProperty("postgres");
            Assert.Equal("container.v0", postgres.GetProperty("type").GetString());
            Assert.StartsWith("docker.io/library/postgres:", postgres.GetProperty("image").GetString(), StringComparison.Ordinal);
            var volume = Assert.Single(postgres.GetProperty("volumes").EnumerateArray());
            Assert.Equal("/var/lib/postgresql", volume.GetProperty("target").GetString());
            Assert.Equal("{postgres.connectionString};Database=chatdb", resources.GetProperty("chatdb").GetProperty("connectionString").GetString());
            Assert.Equal("value.v0", resources.GetProperty("chatdb").GetProperty("type").GetString());

            var cache = resources.GetProperty("cache");
            Assert.Equal("container.v0", cache.GetProperty("type").GetString());
            Assert.StartsWith("docker.io/library/redis:", cache.GetProperty("image").GetString(), StringComparison.Ordinal);

            var secret = resources.GetProperty("signing-key-encryption-secret");
            Assert.Equal("parameter.v0", secret.GetProperty("type").GetString());
            Assert.True(secret.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

            foreach (var service in new[] { "authservice", "chatapi" })
            {
                var project = resources.GetProperty(service);
                Assert.Equal("project.v0", project.GetProperty("type").GetString());
                var environment = project.GetProperty("env");
                Assert.Equal("{chatdb.connectionString}", environment.GetProperty("ConnectionStrings__chatdb").GetString());
                Assert.Equal("{cache.connectionString}", environment.GetProperty("ConnectionStrings__cache").GetString());
                Assert.True(project.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean(), $"{service} is not reachable from outside.");
            }

            Assert.Equal(
                "{signing-key-encryption-secret.value}",
                resources.GetProperty("authservice").GetProperty("env").GetProperty("Auth__SigningKeyEncryptionSecret").GetString());
            Assert.Equal(
                "{authservice.bindings.http.url}",
                resources.GetProperty("chatapi").GetProperty("env").GetProperty("services__authservice__http__0").GetString());

            // The browser front end: public, reaching both services by discovery, and an origin ChatApi allows.
            var webFrontend = resources.GetProperty("webfrontend");
            Assert.Equal("project.v0", webFrontend.GetProperty("type").GetString());
            Assert.True(webFrontend.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean(), "webfrontend is not reachable from outside.");
            Assert.Equal("{authservice.bindings.http.url}", webFrontend.GetProperty("env").GetProperty("services__authservice__http__0").GetString());
            Assert.Equal("{chatapi.bindings.http.url}", webFrontend.GetProperty("env").GetProperty("services__chatapi__http__0").GetString());
            Assert.Equal(
                "{webfrontend.bindings.http.url}",
                resources.GetProperty("chatapi").GetProperty("env").GetProperty("Chat__AllowedOrigins__0").GetString());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<JsonDocument> PublishAsync(string manifestPath)
    {
        var configuration = typeof(PublishManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "run", "--project", Projects.AppHost.ProjectPath, "--no-build", "--configuration", configuration, "--no-launch-profile",
            "--", "--publisher", "manifest", "--output-path", manifestPath,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"publish failed ({process.ExitCode}): {await output} {await error}");
        return JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
    }
}
