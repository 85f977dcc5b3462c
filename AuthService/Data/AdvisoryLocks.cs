namespace AuthService.Data;

/// <summary>
/// PostgreSQL advisory lock ids AuthService takes (transaction scoped), so that replicas never migrate or create a
/// signing key at the same time. The high 32 bits spell "auth"; ChatApi uses its own prefix.
/// </summary>
public static class AdvisoryLocks
{
    public const long SchemaMigration = 0x61757468_00000001;

    public const long SigningKeyRotation = 0x61757468_00000002;
}
