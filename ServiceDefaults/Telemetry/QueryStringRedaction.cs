using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.Telemetry;

/// <summary>
/// Replaces every query-string value on a span with <c>Redacted</c>: browsers pass their access token as
/// <c>?access_token=</c>, and a trace must never carry it, whatever version of the instrumentation records the URL.
/// </summary>
internal static class QueryStringRedaction
{
    private const string QueryTag = "url.query";
    private const string FullUrlTag = "url.full";

    public static void Apply(Activity activity, QueryString queryString)
    {
        if (queryString.HasValue)
        {
            activity.SetTag(QueryTag, Redact(queryString.Value!));
        }
    }

    public static void Apply(Activity activity, Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri || string.IsNullOrEmpty(uri.Query))
        {
            return;
        }

        activity.SetTag(QueryTag, Redact(uri.Query));
        activity.SetTag(FullUrlTag, uri.GetLeftPart(UriPartial.Path) + "?" + Redact(uri.Query));
    }

    /// <summary>Returns the query without its leading '?', every value replaced.</summary>
    public static string Redact(string query)
    {
        var trimmed = query.TrimStart('?');
        var parts = trimmed.Split('&', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var separator = parts[i].IndexOf('=', StringComparison.Ordinal);
            parts[i] = (separator < 0 ? parts[i] : parts[i][..separator]) + "=Redacted";
        }

        return string.Join('&', parts);
    }
}
