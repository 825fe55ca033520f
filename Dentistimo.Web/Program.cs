using Dentistimo.Web.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

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
app.UseCrossOriginProtection();
app.UseApplicationLocalization();
app.UseOutputCache();
// Compressed inside the output cache, so a cached page is compressed once, not per view. Only the cached pages, which
// carry no secret: compressing a secret next to reflected input (BREACH) is what compression must not do.
app.UseWhen(IsCachedPage, pages => pages.UseResponseCompression());
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorPages().WithStaticAssets();
app.MapAvailabilityHub();

app.Run();

static bool IsCachedPage(HttpContext context) =>
    HttpMethods.IsGet(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<OutputCacheAttribute>() is not null;
