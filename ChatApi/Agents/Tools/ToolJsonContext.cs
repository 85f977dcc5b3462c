using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace ChatApi.Agents.Tools;

/// <summary>Source-generated JSON for tool results (camelCase): what the model reads and <c>tool_completed</c> carries.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CalculateTool.Calculation))]
[JsonSerializable(typeof(CurrentTimeTool.CurrentTime))]
[JsonSerializable(typeof(SearchHistoryTool.SearchResults))]
[JsonSerializable(typeof(WaitTool.Waited))]
public sealed partial class ToolJsonContext : JsonSerializerContext
{
    /// <summary>Options for <see cref="AIFunctionFactory"/>: these results first, then Microsoft.Extensions.AI's defaults.</summary>
    /// <remarks>Built on first use: a static initializer could run before the generated <see cref="Default"/> exists.</remarks>
    public static JsonSerializerOptions FunctionOptions => field ??= CreateFunctionOptions();

    private static JsonSerializerOptions CreateFunctionOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        options.TypeInfoResolverChain.Insert(0, Default);
        options.MakeReadOnly();
        return options;
    }
}
