namespace AuthService.Apis.Contracts;

public sealed record RegistrationResponse(Guid UserId, string Username);
