namespace ChatApi.Rooms;

/// <summary>How much history a joining member is sent (from <see cref="ChatApiOptions"/>).</summary>
/// <param name="PageSize">The latest page: a join without <c>since</c>, or one that missed too much.</param>
/// <param name="RecoveryLimit">The most messages a join with <c>since</c> replays.</param>
internal sealed record RoomLimits(int PageSize, int RecoveryLimit);
