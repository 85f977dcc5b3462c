var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebFrontend();

var app = builder.Build();

app.UseExceptionHandler();

app.MapDefaultEndpoints();
app.MapWebFrontend();

app.Run();
