using System.Net;
using System.Text.Json;

namespace AuthService.Tests.Distributed;

/// <summary>
/// AuthService describes its API at <c>/openapi/v1.json</c> (the topology runs it in Production, so not only in
/// Development): each endpoint with a summary, its success and every problem answer it can give.
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class OpenApiDocumentTests(SharedTopologyFixture fixture) : IDisposable
{
    private const string ProblemJson = "application/problem+json";

    private readonly AuthClient _auth = new(fixture.Topology.AuthService);

    public static TheoryData<string, string, string, string[]> Endpoints => new()
    {
        { "/auth/register", "post", "201", ["400", "409", "413", "415", "429", "503"] },
        { "/auth/token", "post", "200", ["400", "401", "413", "415", "429", "503"] },
        { "/auth/refresh", "post", "200", ["400", "401", "413", "415", "429", "503"] },
        { "/auth/revoke", "post", "204", ["401", "503"] },
        { "/auth/introspect", "post", "200", ["400", "413", "415", "503"] },
        { "/.well-known/jwks.json", "get", "200", [] },
    };

    [Fact]
    public async Task The_document_lists_the_six_endpoints_and_nothing_else()
    {
        using var document = await GetDocumentAsync();

        Assert.Equal(
            Endpoints.Select(row => (string)row[0]).Order(StringComparer.Ordinal),
            document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_endpoint_is_described_with_its_success_and_its_problem_answers(string path, string method, string success, string[] problems)
    {
        using var document = await GetDocumentAsync();
        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()));

        var responses = operation.GetProperty("responses");
        Assert.Equal([success, .. problems], responses.EnumerateObject().Select(response => response.Name).Order(StringComparer.Ordinal));
        if (success != "204")
        {
            Assert.True(responses.GetProperty(success).GetProperty("content").TryGetProperty("application/json", out _), $"{method} {path} {success}: no JSON body described");
        }

        foreach (var status in problems)
        {
            Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty(ProblemJson, out _), $"{method} {path} {status}: not described as {ProblemJson}");
        }
    }

    [Fact]
    public async Task Register_describes_its_400_as_a_validation_problem_naming_the_fields()
    {
        using var document = await GetDocumentAsync();
        var badRequest = document.RootElement.GetProperty("paths").GetProperty("/auth/register").GetProperty("post")
            .GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty(ProblemJson);

        Assert.EndsWith("/HttpValidationProblemDetails", badRequest.GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _auth.Dispose();

    private async Task<JsonDocument> GetDocumentAsync()
    {
        using var response = await _auth.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
