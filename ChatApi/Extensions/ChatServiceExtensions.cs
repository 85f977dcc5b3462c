namespace ChatApi.Extensions;

public static class ChatServiceExtensions
{
    public static IHostApplicationBuilder AddChatServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("chatdb");
        builder.AddRedisClient("cache");
        builder.AddChatAuthentication();

        return builder;
    }
}
