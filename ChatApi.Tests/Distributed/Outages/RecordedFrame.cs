using System.Text.Json;

namespace ChatApi.Tests.Distributed.Outages;

/// <summary>A frame a <see cref="SessionRecorder"/> received, and when (on the session's clock).</summary>
public sealed record RecordedFrame(JsonElement Frame, TimeSpan At);
