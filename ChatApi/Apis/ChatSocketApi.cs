namespace ChatApi.Apis;

public static class ChatSocketApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
