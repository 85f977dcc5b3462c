namespace ChatBench.Clients;

/// <summary>Where clients report what they receive; the timestamps are the send times carried in the texts.</summary>
internal interface IDeliverySink
{
    /// <summary>A message reached a member.</summary>
    void Delivered(long sentTimestamp);

    /// <summary>The system confirmed a send (ours: stored in PostgreSQL).</summary>
    void Acknowledged(long sentTimestamp);

    /// <summary>Something that should not happen in a healthy run: an error frame, a close by the server, a lost connection.</summary>
    void Failed(string reason);
}
