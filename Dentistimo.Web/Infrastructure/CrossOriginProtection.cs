namespace Dentistimo.Web.Infrastructure;

/// <summary>
/// Refuses form posts that a browser sent from another site, by the Fetch Metadata headers browsers attach to every
/// request (<c>Sec-Fetch-Site</c>), with <c>Origin</c> as the fallback: the check ASP.NET Core 11 turns on by default
/// and Go's CrossOriginProtection makes. It needs no token, so the booking page carries nothing per visitor and can be
/// served from the output cache. Requests without either header come from no browser (curl, a server) and carry no
/// visitor's ambient authority, so they pass; the site has no sign-in, so that authority is only the visitor's address.
/// </summary>
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
