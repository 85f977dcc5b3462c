using ServiceDefaults.AuthPath;

namespace ChatApi.Auth;

/// <summary>Told about every revocation notice, after the token cache has forgotten the revoked tokens.</summary>
public interface IRevocationObserver
{
    void OnRevoked(RevocationNotice notice);
}
