using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// ASP.NET Core's own request span carries no HTTP attributes; OpenTelemetry.Instrumentation.AspNetCore (not in our
/// package source) would add them. This adds the semantic-convention ones the dashboard shows: method, route, path
/// and status. The query string is left out, as it may carry what a patient typed.
/// </summary>
internal static class HttpSpanAttributes
{
    private const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public static IApplicationBuilder UseHttpSpanAttributes(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            if (Activity.Current is { OperationName: RequestActivityName } activity && activity.IsAllDataRequested)
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
                activity.SetTag("http.request.method", context.Request.Method);
                activity.SetTag("http.route", route);
                activity.SetTag("url.path", context.Request.Path.Value);
                activity.SetTag("http.response.status_code", context.Response.StatusCode);
            }
        });
}
