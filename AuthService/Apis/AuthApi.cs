using System.Globalization;
using AuthService.Apis.Contracts;
using AuthService.Keys;
using AuthService.Throttling;
using AuthService.Tokens;
using AuthService.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using ServiceDefaults.AuthPath;

namespace AuthService.Apis;

public static class AuthApi
{
    /// <summary>Every request body here is a small JSON object; anything larger is refused with 413 before it is read.</summary>
    public const long MaxRequestBodySize = 16 * 1024;

    private const string BearerPrefix = "Bearer ";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/auth")
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBodySize))
            .WithTags("Auth")
            // Each of them needs PostgreSQL or Redis: an outage answers 503 with Retry-After (DependencyUnavailableExceptionHandler).
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Register a user")
            .WithDescription("Creates an account. The username is 3 to 32 characters of a-z, 0-9, '_', '.' or '-', the password 8 to 128 characters; 400 names each invalid field, 409 means the username is taken; 429, with Retry-After, when registrations from the client are throttled or the service is busy hashing passwords.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesRefusedBodyProblems()
            .RateLimitedPerClient()
            .RequireRateLimiting(AuthRateLimiting.PasswordHashingPolicy);

        api.MapPost("/token", IssueTokenAsync)
            .WithName("IssueToken")
            .WithSummary("Log in (password grant)")
            .WithDescription("Starts a session: an access token and its refresh token (Cache-Control: no-store). 401 is the same answer for an unknown user, a wrong password and a disabled account; 429, with Retry-After, while failed logins for the username or from the client are throttled, or when the client sends too many credential requests or the service is busy hashing passwords.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesRefusedBodyProblems()
            .RateLimitedPerClient()
            .RequireRateLimiting(AuthRateLimiting.PasswordHashingPolicy);

        api.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshToken")
            .WithSummary("Rotate a refresh token")
            .WithDescription("Spends the refresh token and answers a new pair in the same session (Cache-Control: no-store). 401 for an unknown, expired, spent or revoked token; presenting a spent one also revokes its whole session. 429, with Retry-After, when the client sends too many credential requests.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesRefusedBodyProblems()
            .RateLimitedPerClient();

        api.MapPost("/revoke", RevokeAsync)
            .WithName("RevokeToken")
            .WithSummary("Log out")
            .WithDescription("Revokes the bearer access token (Authorization: Bearer) and its whole session; revoking it again answers 204 too. 401, with WWW-Authenticate, when the token is missing or invalid.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPost("/introspect", IntrospectAsync)
            .WithName("IntrospectToken")
            .WithSummary("Check an access token")
            .WithDescription("{\"active\":false} for anything not good right now (invalid, expired, revoked, user disabled or gone); otherwise the token's subject, username, jti, sid and exp (unix seconds).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesRefusedBodyProblems();

        app.MapGet("/.well-known/jwks.json", GetJsonWebKeySet)
            .WithTags("Auth")
            .WithName("GetJsonWebKeySet")
            .WithSummary("Public signing keys (JWKS)")
            .WithDescription("The ES256 keys whose tokens may still be in date, including the next key before it signs (Cache-Control: public, max-age=60). Served from memory: no dependency is called.");

        return app;
    }

    public static async Task<Results<Created<RegistrationResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        CredentialsRequest request,
        HttpContext context,
        UserAccounts accounts,
        RegistrationThrottle throttle,
        CancellationToken cancellationToken)
    {
        // Every attempt counts, valid or not: refusing fast is the point.
        var reservation = await throttle.TryAcquireAsync(ClientAddress.Of(context));
        if (reservation.IsThrottled)
        {
            SetRetryAfter(context.Response, reservation.RetryAfter);
            return AuthProblems.RegistrationThrottled();
        }

        var errors = CredentialRules.Validate(request.Username, request.Password);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await accounts.RegisterAsync(request.Username!, request.Password!, cancellationToken);
        return user is null
            ? AuthProblems.UsernameTaken()
            : TypedResults.Created((string?)null, new RegistrationResponse(user.Id, user.Username));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, FixedProblemResult>> IssueTokenAsync(
        CredentialsRequest request,
        HttpContext context,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var result = await tokens.LoginAsync(request.Username, request.Password, ClientAddress.Of(context), cancellationToken);
        switch (result.Status)
        {
            case LoginStatus.Throttled:
                SetRetryAfter(context.Response, result.RetryAfter);
                return AuthProblems.Throttled();

            case LoginStatus.Succeeded:
                NoStore(context.Response);
                return TypedResults.Ok(TokenResponse.From(result.Tokens!));

            default:
                return AuthProblems.InvalidCredentials;
        }
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request,
        HttpContext context,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var pair = await tokens.RefreshAsync(request.RefreshToken, cancellationToken);
        if (pair is null)
        {
            return AuthProblems.InvalidRefreshToken();
        }

        NoStore(context.Response);
        return TypedResults.Ok(TokenResponse.From(pair));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        HttpContext context,
        AccessTokenValidator validator,
        SessionRevocation revocation,
        CancellationToken cancellationToken)
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[BearerPrefix.Length..].Trim()
            : null;

        // Already-revoked tokens pass (revoking twice is harmless), so a retried logout still answers 204.
        var claims = await validator.ValidateAsync(token, cancellationToken);
        if (claims is null)
        {
            context.Response.Headers.WWWAuthenticate = token is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            return AuthProblems.InvalidAccessToken();
        }

        await revocation.RevokeAsync(claims, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IntrospectionResponse>> IntrospectAsync(
        IntrospectionRequest request,
        HttpContext context,
        TokenIntrospector introspector,
        CancellationToken cancellationToken)
    {
        var claims = await introspector.IntrospectAsync(request.Token, cancellationToken);
        NoStore(context.Response);
        return TypedResults.Ok(claims is null ? IntrospectionResponse.Inactive : new IntrospectionResponse(true, claims.UserId.ToString(), claims.Username, claims.Jti, claims.SessionId.ToString(), claims.ExpiresAt.ToUnixTimeSeconds()));
    }

    public static Ok<JsonWebKeySetResponse> GetJsonWebKeySet(HttpResponse response, SigningKeyRing keys)
    {
        // Short: validators pick up a rotation quickly (the next key is published ahead of use anyway).
        response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(new JsonWebKeySetResponse([.. keys.PublishedKeys().Select(JsonWebKeyResponse.From)]));
    }

    /// <summary>
    /// A body refused before it is read: over <see cref="MaxRequestBodySize"/> (413) or not JSON (415). Malformed JSON
    /// is a 400, declared with each endpoint (register's is its validation problem).
    /// </summary>
    private static RouteHandlerBuilder ProducesRefusedBodyProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Draws on the caller's per-address token bucket (<see cref="AuthRateLimiting"/>) and may answer 429.</summary>
    private static RouteHandlerBuilder RateLimitedPerClient(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .WithMetadata(ClientRateLimitedMetadata.Instance);

    /// <summary>Whole seconds, rounded up and at least 1, so a client that waits that long is not refused again.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static void NoStore(HttpResponse response)
    {
        // Tokens must not be cached by anything in between (RFC 6749, section 5.1).
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }
}
