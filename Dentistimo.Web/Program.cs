using Dentistimo.Web.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// First, so that everything after sees the client's address and scheme, as told by a trusted proxy only.
app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
    app.UseHsts();
}

app.UseSecurityHeaders();
// Before the status code pages, which show the error page with the failed request's query gone: it then still speaks
// the language that request asked for with ?lang=. The exception handler keeps the query, and stays first to catch all.
app.UseApplicationLocalization();
app.UseStatusCodePagesWithReExecute("/Error");
app.UseFormBodyLimit();
app.UseCrossOriginProtection();
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
