using System.ComponentModel.DataAnnotations;

namespace AuthService.Configuration;

/// <summary>How signing keys rotate (section <c>Auth:SigningKeys</c>).</summary>
public sealed class SigningKeyOptions
{
    /// <summary>How long a key signs before the next one takes over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each replica reloads the keys from the database and checks whether one is due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before it starts signing the next key is published in the JWKS, so validators that cache the key set
    /// know it before they see a token signed with it. Capped at half the rotation interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromHours(1);
}
