namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// HEAD as GET without the body (RFC 9110), with no second set of endpoints. Before routing, which matches by method.
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
