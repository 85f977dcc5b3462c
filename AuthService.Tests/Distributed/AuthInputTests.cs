using System.Net;
using System.Text.Json;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Hostile and broken input gets the exact 4xx the contract names, as RFC 9457 problem+json, and never a 500.
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class AuthInputTests(SharedTopologyFixture fixture) : IDisposable
{
    // Failed logins count against the client address: these tests use one of their own.
    private readonly AuthClient _auth = AuthClient.FromOwnAddress(fixture.Topology.AuthService);

    public static TheoryData<string> JsonEndpoints => ["/auth/register", "/auth/token", "/auth/refresh", "/auth/introspect"];

    public static TheoryData<string> SqlLookingUsernames =>
    [
        "admin'--",
        "' OR '1'='1",
        "x'; DROP TABLE auth.users; --",
        "robert\"); DELETE FROM auth.users; --",
        "1 UNION SELECT password_hash FROM auth.users",
    ];

    [Theory]
    [MemberData(nameof(SqlLookingUsernames))]
    public async Task Sql_looking_usernames_are_invalid_input_for_register(string username)
    {
        using var response = await _auth.SendRegisterAsync(username, AuthClient.DefaultPassword);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("username", out _));
    }

    [Theory]
    [MemberData(nameof(SqlLookingUsernames))]
    public async Task Sql_looking_usernames_are_bad_credentials_for_token(string username)
    {
        using var response = await _auth.SendTokenAsync(username, AuthClient.DefaultPassword);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("ab", "long enough password")]
    [InlineData("UPPER", "long enough password")]
    [InlineData("with space", "long enough password")]
    [InlineData("toolong-toolong-toolong-toolong-x", "long enough password")]
    [InlineData("trailing-newline\n", "long enough password")]
    [InlineData("ümlaut", "long enough password")]
    [InlineData("valid-name", "short")]
    [InlineData("valid-name", null)]
    [InlineData(null, "long enough password")]
    public async Task Invalid_registrations_are_validation_problems(string? username, string? password)
    {
        using var response = await _auth.PostRawAsync("/auth/register", JsonSerializer.Serialize(new { username, password }));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("errors").ValueKind);
    }

    [Fact]
    public async Task Password_length_bounds_are_8_and_128()
    {
        using var shortest = await _auth.SendRegisterAsync(AuthClient.NewUsername("pw8"), new string('p', 8));
        using var longest = await _auth.SendRegisterAsync(AuthClient.NewUsername("pw128"), new string('p', 128));
        using var tooLong = await _auth.SendRegisterAsync(AuthClient.NewUsername("pw129"), new string('p', 129));

        Assert.Equal(HttpStatusCode.Created, shortest.StatusCode);
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Taken_username_is_409()
    {
        var username = AuthClient.NewUsername("dup");
        await _auth.RegisterAsync(username);

        using var again = await _auth.SendRegisterAsync(username, "another password");

        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        // The original password still works: nothing was overwritten.
        await _auth.TokenAsync(username);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_create_it_once()
    {
        var username = AuthClient.NewUsername("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _auth.SendRegisterAsync(username, AuthClient.DefaultPassword)));

        Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Malformed_json_is_400(string path)
    {
        using var response = await _auth.PostRawAsync(path, """{"username": "abc", """);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Wrongly_typed_json_is_400(string path)
    {
        using var response = await _auth.PostRawAsync(path, """{"username": 5, "password": [], "token": {}, "refresh_token": 7}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Missing_body_is_400(string path)
    {
        using var response = await _auth.PostRawAsync(path, string.Empty);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Wrong_content_type_is_415(string path)
    {
        using var response = await _auth.PostRawAsync(path, "username=abc&password=12345678", "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Oversized_body_is_413(string path)
    {
        var body = JsonSerializer.Serialize(new { username = "abc", password = new string('x', 20 * 1024) });

        using var response = await _auth.PostRawAsync(path, body);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Oversized_chunked_body_is_413()
    {
        var body = JsonSerializer.Serialize(new { token = new string('x', 64 * 1024) });
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        using var http = new HttpClient { BaseAddress = _auth.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/introspect") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.")]
    [InlineData("....")]
    [InlineData("e30.e30.e30.e30.e30")]
    [InlineData("!!!.???.###")]
    public async Task Garbage_tokens_introspect_inactive(string token)
    {
        var answer = await _auth.IntrospectAsync(token);

        Assert.False(answer.Active);
    }

    [Fact]
    public async Task Very_long_token_introspects_inactive()
    {
        var answer = await _auth.IntrospectAsync(new string('a', 12 * 1024));

        Assert.False(answer.Active);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal((int)expected, json.RootElement.GetProperty("status").GetInt32());
    }

    public void Dispose() => _auth.Dispose();
}
