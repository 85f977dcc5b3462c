using AuthService.Configuration;
using AuthService.Data;
using AuthService.Hosting;
using AuthService.Keys;
using AuthService.Revocation;
using AuthService.Telemetry;
using AuthService.Throttling;
using AuthService.Tokens;
using AuthService.Users;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ServiceDefaults.Data;

namespace AuthService.Extensions;

public static class AuthServiceExtensions
{
    public static IHostApplicationBuilder AddAuthServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatDatabase();
        builder.AddRedisClient("cache");

        var services = builder.Services;

        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddSingleton<AuthTelemetry>();
        services.AddOpenApi();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        services.AddAuthRateLimiting();
        // Behind the web front end (YARP), the client is the forwarded address; trusted from loopback proxies only
        // (the framework's default known proxies), one hop.
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.ForwardLimit = 1;
        });

        services.AddSingleton<AuthSchemaMigrator>();

        services.AddSingleton<SigningKeyProtector>();
        services.AddSingleton<SigningKeySchedule>();
        services.AddSingleton<SigningKeyFactory>();
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<SigningKeyRing>();

        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserAccounts>();

        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<RefreshTokenStore>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<TokenIntrospector>();

        services.AddSingleton<RevocationList>();
        services.AddSingleton<SessionRevocation>();

        services.AddSingleton<AttemptCounter>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<RegistrationThrottle>();

        // Hosted services start in this order, and all of them before the server accepts requests:
        // schema and first signing key, then (Development only) the demo user, then the rotation loop.
        services.AddHostedService<StartupInitializer>();
        if (builder.Environment.IsDevelopment())
        {
            services.AddHostedService<DevelopmentUserSeeder>();
        }

        services.AddHostedService<SigningKeyRotationService>();

        return builder;
    }
}
