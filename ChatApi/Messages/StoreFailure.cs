using ChatApi.Protocol;
using Npgsql;

namespace ChatApi.Messages;

/// <summary>
/// What a failed store means for a send. PostgreSQL refusing the data itself (SQLSTATE class 22, data exception,
/// e.g. 22021 for a NUL in text; class 23, integrity constraint violation) is about one message and will fail again
/// however often it is resent; anything else (a connection, timeout or chatdb known down) is an outage, answered
/// <c>store_unavailable</c> so the client resends later.
/// </summary>
internal static class StoreFailure
{
    public static bool IsDataError(Exception exception) =>
        exception is PostgresException { SqlState: var state }
        && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    public static StoreResult ResultOf(Exception exception) => IsDataError(exception)
        ? new StoreResult.Refused(ErrorCodes.MessageRefused, "The message store refused this message's content; sending it again will not help.")
        : new StoreResult.Failed("The message store is unavailable.");
}
