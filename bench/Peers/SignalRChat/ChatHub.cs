using Microsoft.AspNetCore.SignalR;

namespace SignalRChat;

/// <summary>Rooms are SignalR groups; a message goes to every member of its room, the sender included.</summary>
public sealed class ChatHub : Hub
{
    public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public Task Send(string room, string text) => Clients.Group(room).SendAsync("message", room, text);
}
