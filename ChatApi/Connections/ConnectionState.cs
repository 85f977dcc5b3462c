namespace ChatApi.Connections;

/// <summary>The life of one <c>/ws</c> request.</summary>
public enum ConnectionState
{
    /// <summary>The HTTP request arrived; nothing is decided.</summary>
    Connecting,

    /// <summary>The token is valid and the caps allow the session; the upgrade is next.</summary>
    Authenticated,

    /// <summary>Upgraded: frames flow both ways.</summary>
    Open,

    /// <summary>A close was requested (by either side); pending frames drain, then the close handshake.</summary>
    Closing,

    /// <summary>Finished; also where a request refused before the upgrade ends.</summary>
    Closed,
}
