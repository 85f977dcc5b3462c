using System.Net;
using AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Issue 14, low finding: a password is the same whether typed as composed (NFC) or decomposed (NFD) characters,
/// its length is counted in code points, and accounts whose hash predates normalisation still sign in (and get an
/// NFC hash).
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class PasswordNormalisationTests(SharedTopologyFixture fixture) : IDisposable
{
    private const string Composed = "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e";
    private const string Decomposed = "cafe\u0301 cre\u0300me bru\u0302le\u0301e";

    private readonly AuthClient _auth = AuthClient.FromOwnAddress(fixture.Topology.AuthService);

    [Fact]
    public async Task Composed_and_decomposed_forms_of_a_password_both_sign_in()
    {
        var nfd = await _auth.RegisterAsync(AuthClient.NewUsername("nfd"), Decomposed);
        var nfc = await _auth.RegisterAsync(AuthClient.NewUsername("nfc"), Composed);

        foreach (var user in new[] { nfd, nfc })
        {
            await _auth.TokenAsync(user.Username, Composed);
            await _auth.TokenAsync(user.Username, Decomposed);
        }
    }

    [Fact]
    public async Task Length_is_counted_in_code_points()
    {
        // Four emoji: eight UTF-16 units, four code points: too short.
        using var tooShort = await _auth.SendRegisterAsync(AuthClient.NewUsername("emoji"), "\U0001F511\U0001F511\U0001F511\U0001F511");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);

        // 100 emoji: 200 UTF-16 units, 100 code points: fine.
        var longPassword = string.Concat(Enumerable.Repeat("\U0001F511", 100));
        var user = await _auth.RegisterAsync(AuthClient.NewUsername("emoji"), longPassword);
        await _auth.TokenAsync(user.Username, longPassword);
    }

    [Fact]
    public async Task A_hash_of_the_decomposed_password_made_before_normalisation_still_signs_in_and_is_replaced()
    {
        var user = await _auth.RegisterAsync(AuthClient.NewUsername("legacy"), Composed);
        var hasher = new PasswordHasher<User>();
        var legacyHash = hasher.HashPassword(new User(user.UserId, user.Username, string.Empty, DateTimeOffset.UnixEpoch, false), Decomposed);
        await ExecuteAsync("UPDATE auth.users SET password_hash = $2 WHERE id = $1", user.UserId, legacyHash);

        await _auth.TokenAsync(user.Username, Decomposed);

        var storedHash = await ScalarAsync("SELECT password_hash FROM auth.users WHERE id = $1", user.UserId);
        Assert.NotEqual(legacyHash, storedHash);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(null!, storedHash, Composed));
        await _auth.TokenAsync(user.Username, Composed);
    }

    private async Task ExecuteAsync(string sql, Guid id, string value)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Topology.ChatDbConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(value);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<string> ScalarAsync(string sql, Guid id)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Topology.ChatDbConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(id);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose() => _auth.Dispose();
}
