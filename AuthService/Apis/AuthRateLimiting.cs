using System.Threading.RateLimiting;
using AuthService.Configuration;
using AuthService.Telemetry;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AuthService.Apis;

/// <summary>
/// ASP.NET Core's rate limiter on the credential endpoints, so a flood gets 429 in microseconds instead of queueing
/// for password hashing, and hashing cannot starve introspection and the JWKS (which carry no limit at all):
/// <list type="bullet">
/// <item>per client address, a token bucket (the global limiter, applied to endpoints marked
/// <see cref="ClientRateLimitedMetadata"/>: token, register, refresh), checked first, so one address's flood is
/// refused before it takes a place in the hashing queue;</item>
/// <item>for the whole replica, a concurrency limiter on the endpoints that hash a password (policy
/// <see cref="PasswordHashingPolicy"/>: token, register) with a short queue.</item>
/// </list>
/// A refusal is 429 <c>application/problem+json</c> with <c>Retry-After</c>.
/// </summary>
public static class AuthRateLimiting
{
    public const string PasswordHashingPolicy = "password-hashing";

    public static IServiceCollection AddAuthRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((options, limits) => Configure(options, limits.Value));
        return services;
    }

    private static void Configure(RateLimiterOptions options, RateLimitingOptions limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;

        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.GetEndpoint()?.Metadata.GetMetadata<ClientRateLimitedMetadata>() is null
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.ClientTokenLimit,
                    TokensPerPeriod = limits.ClientTokensPerPeriod,
                    ReplenishmentPeriod = limits.ClientReplenishmentPeriod,
                    AutoReplenishment = true,
                    // An address over its budget is refused at once, never queued.
                    QueueLimit = 0,
                }));

        options.AddConcurrencyLimiter(PasswordHashingPolicy, concurrency =>
        {
            concurrency.PermitLimit = limits.PasswordHashingPermitLimit;
            concurrency.QueueLimit = limits.PasswordHashingQueueLimit;
            concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
        });

        options.OnRejected = RejectAsync;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // The token bucket knows when the next token comes; the concurrency limiter does not: a hash takes well under a second.
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        AuthApi.SetRetryAfter(context.Response, retryAfter);
        context.RequestServices.GetRequiredService<AuthTelemetry>().RequestRateLimited();

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "The token service is busy or this client has sent too many requests; retry after the time given.",
            },
        });
    }
}
