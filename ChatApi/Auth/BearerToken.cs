namespace ChatApi.Auth;

/// <summary>
/// The token of a <c>/ws</c> request: <c>Authorization: Bearer</c>, or <c>?access_token=</c> for browsers, which
/// cannot set headers on a WebSocket. The query value is never logged (ServiceDefaults redacts query strings).
/// </summary>
public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            return token.Length > 0 ? token : null;
        }

        return request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }
}
