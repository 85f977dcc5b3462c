using ChatApi.Extensions;
using ChatApi.Readiness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Unit.Readiness;

public sealed class DependencyChecksTests
{
    /// <summary>The names the readiness gate looks for are the ones ChatApi's wiring registers (an integration upgrade could rename them).</summary>
    [Fact]
    public void ChatApi_registers_a_readiness_check_under_each_name_the_gate_knows()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "ChatApi", EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:chatdb"] = "Host=localhost;Port=1;Username=u;Password=p;Database=chatdb",
            ["ConnectionStrings:cache"] = "localhost:1,password=p",
            ["services:authservice:http:0"] = "http://localhost:2",
        });
        builder.AddServiceDefaults();
        builder.AddChatServices();
        using var services = builder.Services.BuildServiceProvider();

        var names = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(registration => registration.Name);

        Assert.Superset(
            new HashSet<string> { DependencyChecks.Database, DependencyChecks.Cache, DependencyChecks.AuthService, DependencyChecks.Shutdown },
            names.ToHashSet());
    }
}
