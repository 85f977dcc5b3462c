using Npgsql;

namespace AuthService.Tests.Distributed;

/// <summary>Two replicas rotating every 4 s (checked every 0.5 s; the next key is published 2 s ahead).</summary>
public sealed class KeyRotationTopology : TopologyFixture
{
    protected override TopologyOptions Options => new()
    {
        ChatApiReplicas = 0,
        AuthServiceReplicas = 2,
        ServiceEnvironment =
        {
            ["authservice"] = new()
            {
                ["Auth__SigningKeys__RotationInterval"] = "00:00:04",
                ["Auth__SigningKeys__CheckInterval"] = "00:00:00.500",
            },
        },
    };
}

/// <summary>
/// Rotation publishes the next key before it signs, switches to it on schedule, and keeps every older key in the
/// JWKS while tokens it signed are in date; replicas rotating together create one key per period.
/// </summary>
public sealed class KeyRotationTests(KeyRotationTopology fixture) : IClassFixture<KeyRotationTopology>, IDisposable
{
    private static readonly TimeSpan RotationBound = TimeSpan.FromSeconds(20);

    private readonly AuthClient _first = new(fixture.Topology.AuthServices[0]);
    private readonly AuthClient _second = new(fixture.Topology.AuthServices[1]);

    [Fact]
    public async Task Rotation_keeps_older_in_date_tokens_valid_and_new_tokens_carry_the_new_kid()
    {
        var user = await _first.RegisterAsync(AuthClient.NewUsername("rotate"));
        var old = await _first.TokenAsync(user.Username);
        var oldKid = JwksTokenValidator.KidOf(old.AccessToken);

        // The successor is published before it is used ...
        var published = await PollAsync(async () =>
        {
            var jwks = await _second.GetJwksAsync();
            return jwks.Keys.Any(key => key.Kid != oldKid) ? jwks : null;
        });
        Assert.Contains(published.Keys, key => key.Kid == oldKid);

        // ... then takes over signing.
        var fresh = await PollAsync(async () =>
        {
            var tokens = await _first.TokenAsync(user.Username);
            return JwksTokenValidator.KidOf(tokens.AccessToken) != oldKid ? tokens : null;
        });
        var newKid = JwksTokenValidator.KidOf(fresh.AccessToken);

        foreach (var client in new[] { _first, _second })
        {
            var jwks = await client.GetJwksAsync();
            Assert.Contains(jwks.Keys, key => key.Kid == oldKid);
            Assert.Contains(jwks.Keys, key => key.Kid == newKid);
            foreach (var token in new[] { old.AccessToken, fresh.AccessToken })
            {
                Assert.True((await client.IntrospectAsync(token)).Active);
                var verified = await JwksTokenValidator.ValidateAsync(token, jwks);
                Assert.True(verified.IsValid, verified.Exception?.Message);
            }
        }

        // The session started under the old key refreshes under the new one.
        var refreshed = await _second.RefreshAsync(old.RefreshToken);
        Assert.NotEqual(oldKid, JwksTokenValidator.KidOf(refreshed.AccessToken));
    }

    [Fact]
    public async Task Replicas_rotating_together_create_one_key_per_period_with_private_keys_encrypted()
    {
        var keys = await PollAsync(async () =>
        {
            var rows = await ReadKeysAsync();
            return rows.Count >= 4 ? rows : null;
        });

        // One chain: each key activates exactly when its predecessor retires, no period has two keys.
        for (var i = 1; i < keys.Count; i++)
        {
            Assert.Equal(keys[i - 1].RetiresAt, keys[i].ActivatesAt);
        }

        foreach (var key in keys)
        {
            Assert.Equal(TimeSpan.FromSeconds(4), key.RetiresAt - key.ActivatesAt);
            Assert.Equal(key.RetiresAt + TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30), key.ExpiresAt);
            // Version byte of the encrypted format, and no plaintext PKCS#8 (DER SEQUENCE, version 0, id-ecPublicKey).
            Assert.Equal(1, key.PrivateKey[0]);
            Assert.False(Contains(key.PrivateKey, [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]));
        }
    }

    private async Task<List<(DateTimeOffset ActivatesAt, DateTimeOffset RetiresAt, DateTimeOffset ExpiresAt, byte[] PrivateKey)>> ReadKeysAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Topology.ChatDbConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT activates_at, retires_at, expires_at, private_key_encrypted FROM auth.signing_keys ORDER BY activates_at");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<(DateTimeOffset, DateTimeOffset, DateTimeOffset, byte[])>();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<byte[]>(3)));
        }

        return keys;
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        Enumerable.Range(0, haystack.Length - needle.Length + 1).Any(start => haystack.AsSpan(start, needle.Length).SequenceEqual(needle));

    private static async Task<T> PollAsync<T>(Func<Task<T?>> attempt)
        where T : class
    {
        var deadline = DateTime.UtcNow + RotationBound;
        while (true)
        {
            if (await attempt() is { } result)
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < deadline, "Rotation did not happen in time.");
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
