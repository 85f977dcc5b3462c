var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAuthServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapAuthApi();
// In every environment: the API's description is no secret, and clients generate from it.
app.MapOpenApi();

app.Run();
