using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Infrastructure;

public sealed class MapOptions
{
    public const string SectionName = "Map";

    // Its host is the only one besides the site that may serve images (the CSP's img-src).
    [Required]
    [RegularExpression(@"https://[^/\s;,']+/\S*", ErrorMessage = "Use an https:// address with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png.")]
    public string TileUrlTemplate { get; set; } = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    // Leaflet's {s} subdomain becomes a wildcard.
    public string TileSource
    {
        get
        {
            var hostStart = TileUrlTemplate.IndexOf("://", StringComparison.Ordinal) + 3;
            var hostEnd = TileUrlTemplate.IndexOf('/', hostStart);
            return TileUrlTemplate[..hostEnd].Replace("{s}", "*", StringComparison.Ordinal);
        }
    }
}

// No inline script, so injected markup cannot run; no framing, so the consent box cannot be overlaid and clicked
// through; and no other site learns a booking's address, which is the patient's key to it.
public static class SecurityHeaders
{
    // CSP 3's 'self' covers ws: and wss: to the same host, which the SignalR hub needs.
    public static string ContentSecurityPolicy(MapOptions map) =>
        $"default-src 'self'; script-src 'self'; img-src 'self' {map.TileSource}; connect-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var contentSecurityPolicy = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<IOptions<MapOptions>>().Value);
        return app.Use((context, next) =>
        {
            // Set as the response starts: the exception handler and the developer exception page clear the headers
            // set before them, and error pages must be as strict as the rest.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = contentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                // Unless the page asked for less: one whose address is a key (UseForKeyedAddress).
                headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    // For a page whose address is a key to a booking (its id, a manage token).
    public static void UseForKeyedAddress(this HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Robots-Tag"] = "noindex";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
