namespace ChatApi.Protocol;

/// <summary>Stable <c>code</c> values of <c>error</c> frames; clients may switch on them.</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidRoom = "invalid_room";
    public const string NotJoined = "not_joined";
    public const string TooManyRooms = "too_many_rooms";
    public const string TextEmpty = "text_empty";
    public const string TextTooLong = "text_too_long";
    public const string InvalidClientMsgId = "invalid_client_msg_id";
    public const string InvalidLimit = "invalid_limit";
    public const string StoreUnavailable = "store_unavailable";
    public const string ShuttingDown = "shutting_down";
    public const string AgentBusy = "agent_busy";
    public const string InvalidPrompt = "invalid_prompt";

    /// <summary>A <c>text</c>, <c>prompt</c> or <c>nonce</c> holding a control character or text that is not valid Unicode (a lone surrogate).</summary>
    public const string InvalidCharacters = "invalid_characters";

    /// <summary>The clientMsgId was already used by this user for a message in another room; that message stands.</summary>
    public const string ClientMsgIdReused = "client_msg_id_reused";

    /// <summary>The message store refused this message's content (never an outage); resending it unchanged fails again.</summary>
    public const string MessageRefused = "message_refused";
}
