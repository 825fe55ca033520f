var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseHeadAsGet();
app.UseRouting();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseOutputCache();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapClinicsApi();
app.MapBookingsApi();

app.Run();
