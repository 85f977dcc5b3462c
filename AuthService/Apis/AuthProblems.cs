using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthService.Apis;

/// <summary>The API's error answers (RFC 9457), each worded once so equal situations answer byte for byte alike.</summary>
public static class AuthProblems
{
    /// <summary>Unknown user, wrong password, disabled account: one constant answer, so it reveals nothing.</summary>
    public static FixedProblemResult InvalidCredentials { get; } = new(
        StatusCodes.Status401Unauthorized,
        "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        "Invalid credentials",
        "The username or password is incorrect.");

    public static ProblemHttpResult InvalidRefreshToken() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Invalid refresh token",
        detail: "The refresh token is unknown, expired, spent or revoked.");

    public static ProblemHttpResult InvalidAccessToken() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Invalid access token",
        detail: "A valid bearer access token is required.");

    public static ProblemHttpResult Throttled() => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many login attempts",
        detail: "Too many failed logins; wait before trying again.");

    public static ProblemHttpResult RegistrationThrottled() => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many registrations",
        detail: "Too many registrations from this client; wait before trying again.");

    public static ProblemHttpResult UsernameTaken() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Username taken",
        detail: "That username is already registered.");
}
