global using AuthService.Apis;
global using AuthService.Extensions;
