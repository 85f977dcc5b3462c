namespace AuthService.Throttling;

/// <summary>
/// One counter an attempt is reserved against: at most <paramref name="Limit"/> attempts per fixed
/// <paramref name="Window"/> that starts with the first of them. <paramref name="Name"/> says which limit refused
/// (a metric tag, never the key: keys carry hashed usernames and addresses).
/// </summary>
public readonly record struct AttemptLimit(string Key, int Limit, TimeSpan Window, string Name);
