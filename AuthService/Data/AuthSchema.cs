namespace AuthService.Data;

/// <summary>
/// The <c>auth</c> schema, as an ordered list of migrations. Applied versions are recorded in
/// <c>auth.schema_version</c>; a released migration is never edited, a change is a new one appended.
/// </summary>
public static class AuthSchema
{
    public const string Name = "auth";

    public static IReadOnlyList<(int Version, string Sql)> Migrations { get; } =
    [
        (1, """
            CREATE TABLE IF NOT EXISTS auth.users (
                id uuid PRIMARY KEY,
                username text NOT NULL,
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL,
                disabled boolean NOT NULL DEFAULT false,
                CONSTRAINT users_username_key UNIQUE (username)
            );

            -- One row per login session (the "sid" of its access tokens). Rotation and revocation lock this row
            -- first, so a refresh racing a revocation can never leave a live token in a revoked family.
            CREATE TABLE IF NOT EXISTS auth.refresh_families (
                id uuid PRIMARY KEY,
                user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz NULL
            );
            CREATE INDEX IF NOT EXISTS refresh_families_user_id_idx ON auth.refresh_families (user_id);

            CREATE TABLE IF NOT EXISTS auth.refresh_tokens (
                id uuid PRIMARY KEY,
                family_id uuid NOT NULL REFERENCES auth.refresh_families (id) ON DELETE CASCADE,
                user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
                token_hash bytea NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                spent_at timestamptz NULL,
                revoked_at timestamptz NULL,
                CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
            );
            CREATE INDEX IF NOT EXISTS refresh_tokens_family_id_idx ON auth.refresh_tokens (family_id);
            CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at_idx ON auth.refresh_tokens (expires_at);

            CREATE TABLE IF NOT EXISTS auth.signing_keys (
                kid text PRIMARY KEY,
                algorithm text NOT NULL,
                public_jwk jsonb NOT NULL,
                private_key_encrypted bytea NOT NULL,
                created_at timestamptz NOT NULL,
                activates_at timestamptz NOT NULL,
                retires_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            );
            """),
    ];
}
