using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AuthService.Configuration;

/// <summary>Settings of the token service, bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The <c>iss</c> of every access token, pinned by validation.</summary>
    [Required]
    public string Issuer { get; set; } = "chat-authservice";

    /// <summary>The <c>aud</c> of every access token: the resource server.</summary>
    [Required]
    public string Audience { get; set; } = "chatapi";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Tolerated clock difference between issuer and validators; the contract caps it at 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Secret the AES-256-GCM key that encrypts private signing keys at rest is derived from (HKDF-SHA256).
    /// Every replica needs the same value; it is never logged.
    /// </summary>
    [Required]
    [MinLength(32)]
    public string SigningKeyEncryptionSecret { get; set; } = string.Empty;

    [ValidateObjectMembers]
    public SigningKeyOptions SigningKeys { get; set; } = new();

    [ValidateObjectMembers]
    public ThrottlingOptions Throttling { get; set; } = new();
}
