using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ChatApi.Connections;

/// <summary>
/// Cross-site WebSocket hijacking protection: a browser always sends <c>Origin</c>, so a request that carries one
/// must name an allowed origin (<c>Chat:AllowedOrigins</c>; <c>*</c> allows any). Requests without it are not from a
/// browser page and pass.
/// </summary>
public sealed class OriginPolicy(IOptions<ChatApiOptions> options)
{
    public bool IsAllowed(StringValues origin)
    {
        if (StringValues.IsNullOrEmpty(origin))
        {
            return true;
        }

        var allowed = options.Value.AllowedOrigins;
        return allowed.Contains("*")
            || allowed.Any(candidate => string.Equals(candidate.TrimEnd('/'), origin.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
