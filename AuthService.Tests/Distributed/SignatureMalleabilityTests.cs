using System.Net;
using System.Numerics;
using Microsoft.IdentityModel.Tokens;

namespace AuthService.Tests.Distributed;

/// <summary>
/// Issue 14, low finding: an ECDSA signature (r, s) is equally valid as (r, n − s), so every token has a twin with
/// other bytes. Kept, and harmless here (docs/auth.md, "Signature malleability"): a token is identified by its
/// <c>jti</c> and <c>sid</c>, never by its bytes; revoking either twin revokes both, in AuthService and in ChatApi,
/// whose validation cache is keyed by the token's hash (a twin is only a cache miss that is validated in full).
/// </summary>
[Collection(SharedTopologyFixture.Collection)]
public sealed class SignatureMalleabilityTests(SharedTopologyFixture fixture) : IDisposable
{
    // The order of P-256's base point.
    private static readonly BigInteger CurveOrder = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private readonly AuthClient _auth = new(fixture.Topology.AuthService);

    [Fact]
    public async Task A_twin_signature_is_the_same_token_to_validation_and_to_revocation()
    {
        var (_, tokens) = await _auth.SignUpAsync("twin");
        var twin = WithTwinSignature(tokens.AccessToken);
        Assert.NotEqual(tokens.AccessToken, twin);

        var original = await _auth.IntrospectAsync(tokens.AccessToken);
        var twinIntrospection = await _auth.IntrospectAsync(twin);
        Assert.True(twinIntrospection.Active);
        Assert.Equal(original with { }, twinIntrospection);

        // ChatApi has validated (and cached) the original; the twin is a new cache entry with the same identity.
        await using (var session = await ChatSocket.ConnectAsync(fixture.Topology.ChatApi[0], tokens.AccessToken))
        {
            await session.WelcomeAsync();
        }

        await _auth.RevokeAsync(tokens.AccessToken);

        Assert.False((await _auth.IntrospectAsync(twin)).Active);
        foreach (var chatApi in fixture.Topology.ChatApi)
        {
            var (socket, status, _) = await ChatSocket.TryConnectAsync(chatApi, twin);
            Assert.Null(socket);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }
    }

    /// <summary>The same token with s replaced by n − s (JWS ES256 signatures are r ‖ s, 32 bytes each, big-endian).</summary>
    private static string WithTwinSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        Assert.Equal(64, signature.Length);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twin = (CurveOrder - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(signature, 32, 32);
        twin.CopyTo(signature, 64 - twin.Length);
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
    }

    public void Dispose() => _auth.Dispose();
}
