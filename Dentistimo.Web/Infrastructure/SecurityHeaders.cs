using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Infrastructure;

public sealed class MapOptions
{
    public const string SectionName = "Map";

    /// <summary>Leaflet's tile address; its host is the only one besides the site that may serve images (the CSP's img-src).</summary>
    [Required]
    [RegularExpression(@"https://[^/\s;,']+/\S*", ErrorMessage = "Use an https:// address with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png.")]
    public string TileUrlTemplate { get; set; } = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    /// <summary>The tiles' scheme and host as a CSP source; Leaflet's {s} subdomain becomes a wildcard.</summary>
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

/// <summary>
/// What every response tells the browser, error pages included: scripts, styles, connections and forms only from this
/// site (no inline script, so injected markup cannot run), images from the site and the map's tile host, no plugins, no
/// &lt;base&gt;; no other site may frame these pages (the booking form, with its consent box, must not be overlaid and
/// clicked through), no type sniffing, and other sites learn at most this site's origin from a link, never a booking's
/// address, which is the patient's key to it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>CSP 3's 'self' covers ws: and wss: to the same host, which the SignalR hub needs.</summary>
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

    /// <summary>
    /// For a page whose address is a key to a booking (its id, a manage token): kept by no cache along the way, listed by
    /// no search engine, and sent to no other site as a Referer, not even its origin.
    /// </summary>
    public static void UseForKeyedAddress(this HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Robots-Tag"] = "noindex";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
