using Dentistimo.Web.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// First, so everything after sees the client's address as a trusted proxy told it.
app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
    app.UseHsts();
}

app.UseSecurityHeaders();
// Before the status code pages, which drop the failed request's query, so the error page still speaks its ?lang=.
app.UseApplicationLocalization();
app.UseStatusCodePagesWithReExecute("/Error");
app.UseFormBodyLimit();
app.UseCrossOriginProtection();
app.UseOutputCache();
// Only the cached pages, which carry no secret to leak beside reflected input (BREACH); inside the output cache, so
// each page is compressed once.
app.UseWhen(IsCachedPage, pages => pages.UseResponseCompression());
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorPages().WithStaticAssets();
app.MapAvailabilityHub();

app.Run();

static bool IsCachedPage(HttpContext context) =>
    HttpMethods.IsGet(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<OutputCacheAttribute>() is not null;
