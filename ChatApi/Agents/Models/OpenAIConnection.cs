using System.Data.Common;

namespace ChatApi.Agents.Models;

/// <summary>
/// The <c>openai</c> connection string: <c>Endpoint=https://...;Key=...;Model=...</c>. <c>Key</c> may be left out for
/// local OpenAI-compatible servers; <c>Endpoint</c> may be left out for api.openai.com.
/// </summary>
public sealed record OpenAIConnection(Uri? Endpoint, string? Key, string Model)
{
    public const string Name = "openai";

    /// <summary>Parses the connection string; the error never repeats the key.</summary>
    public static OpenAIConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new InvalidOperationException("ConnectionStrings:openai is not a connection string (Endpoint=...;Key=...;Model=...).");
        }

        Uri? endpoint = null;
        if (Value(builder, "Endpoint") is { } address
            && (!Uri.TryCreate(address, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException("ConnectionStrings:openai has an Endpoint that is not an http(s) URL.");
        }

        var model = Value(builder, "Model")
            ?? throw new InvalidOperationException("ConnectionStrings:openai needs a Model (Endpoint=...;Key=...;Model=...).");
        return new OpenAIConnection(endpoint, Value(builder, "Key"), model);
    }

    // Never the key: this may end up in a log.
    public override string ToString() => $"OpenAIConnection {{ Endpoint = {Endpoint?.ToString() ?? "api.openai.com"}, Model = {Model} }}";

    private static string? Value(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && value is string text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
