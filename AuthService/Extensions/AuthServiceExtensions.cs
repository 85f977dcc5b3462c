namespace AuthService.Extensions;

public static class AuthServiceExtensions
{
    public static IHostApplicationBuilder AddAuthServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("chatdb");
        builder.AddRedisClient("cache");

        return builder;
    }
}
