namespace Dentistimo.Web.Infrastructure;

// Fetch Metadata rather than an antiforgery token, so the booking page carries nothing per visitor and can be cached.
// Requests without Sec-Fetch-Site or Origin come from no browser and carry no visitor's ambient authority, so they pass.
public static class CrossOriginProtection
{
    public static IApplicationBuilder UseCrossOriginProtection(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsCrossOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await next(context);
        });

    public static bool IsCrossOrigin(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return false;
        }

        if (request.Headers["Sec-Fetch-Site"] is [{ } site])
        {
            // "none" is the visitor's own doing: a bookmark, the address bar.
            return site is not ("same-origin" or "none");
        }

        // The host alone, as Go's check does: behind a proxy that ends TLS the request's own scheme is http.
        return request.Headers.Origin is [{ } origin]
               && !(Uri.TryCreate(origin, UriKind.Absolute, out var originUri)
                    && string.Equals(originUri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
