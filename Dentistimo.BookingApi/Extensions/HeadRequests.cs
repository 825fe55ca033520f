namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// HEAD is answered as GET without the body (RFC 9110, 9.3.2: every general-purpose server supports it), for every GET
/// resource, with no second set of endpoints in the API or its OpenAPI document. Kestrel leaves out the body by the
/// method the request came with, whatever the endpoint writes; so this runs before routing, which matches by method.
/// </summary>
internal static class HeadRequests
{
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
        }

        return next(context);
    });
}
