var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/Error", "?statusCode={0}");
app.UseApplicationLocalization();
app.UseOutputCache();
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorPages().WithStaticAssets();
app.MapAvailabilityHub();

app.Run();
