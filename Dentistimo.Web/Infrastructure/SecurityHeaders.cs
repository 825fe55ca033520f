namespace Dentistimo.Web.Infrastructure;

/// <summary>
/// What every response tells the browser: no other site may frame these pages (the booking form, with its consent box,
/// must not be overlaid and clicked through), no type sniffing, and other sites learn at most this site's origin from
/// a link, never a booking's address, which is the patient's key to it.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            return next(context);
        });
}
