var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAuthServices();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
// After routing (implicit, first) so limits can depend on the endpoint: only credential endpoints carry any.
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapAuthApi();
// In every environment: the API's description is no secret, and clients generate from it.
app.MapOpenApi();

app.Run();
