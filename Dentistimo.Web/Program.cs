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
// Compressed inside the output cache, so a cached home page is compressed once, not per view. The home page only:
// it carries no secret, while compressing a page with an antiforgery token next to reflected input invites BREACH.
app.UseWhen(context => context.Request.Path == "/", home => home.UseResponseCompression());
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorPages().WithStaticAssets();
app.MapAvailabilityHub();

app.Run();
