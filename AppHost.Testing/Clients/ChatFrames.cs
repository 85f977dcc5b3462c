using System.Text.Json;
using Xunit;

namespace AppHost.Testing.Clients;

/// <summary>Reading the contract's frames in assertions.</summary>
public static class ChatFrames
{
    public static string Type(this JsonElement frame) => frame.GetProperty("type").GetString()!;

    public static long Id(this JsonElement frame) => frame.GetProperty("id").GetInt64();

    public static string? ClientMsgId(this JsonElement frame) =>
        frame.TryGetProperty("clientMsgId", out var value) ? value.GetString() : null;

    public static IReadOnlyList<JsonElement> Messages(this JsonElement frame) => [.. frame.GetProperty("messages").EnumerateArray()];

    public static string NewRoom(string prefix = "room") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static void AssertStrictlyIncreasing(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            Assert.True(list[i] > list[i - 1], $"ids not strictly increasing at {i}: {string.Join(",", list)}");
        }
    }
}
