using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// ASP.NET Core's own request span carries no HTTP attributes; OpenTelemetry.Instrumentation.AspNetCore (not in our
/// package source) would add them. This adds the semantic-convention ones the dashboard shows: method, route, path
/// and status. The query string is left out, as it may carry what a patient typed.
/// </summary>
/// <remarks>
/// A startup filter, so that it wraps the whole pipeline: answers the rate limiter, the output cache or the exception
/// handler give without reaching the endpoint are the ones most worth seeing.
/// </remarks>
internal sealed class HttpSpanAttributes : IStartupFilter
{
    private const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(TagRequestSpanAsync);
        next(app);
    };

    private static async Task TagRequestSpanAsync(HttpContext context, RequestDelegate next)
    {
        var escaped = false;
        try
        {
            await next(context);
        }
        catch
        {
            escaped = true; // Kestrel answers 500 for it
            throw;
        }
        finally
        {
            if (Activity.Current is { OperationName: RequestActivityName } activity && activity.IsAllDataRequested)
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
                activity.SetTag("http.request.method", context.Request.Method);
                activity.SetTag("http.route", route);
                activity.SetTag("url.path", context.Request.Path.Value);
                activity.SetTag("http.response.status_code", escaped ? StatusCodes.Status500InternalServerError : context.Response.StatusCode);
            }
        }
    }
}
