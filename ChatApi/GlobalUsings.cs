global using ChatApi.Apis;
global using ChatApi.Extensions;
