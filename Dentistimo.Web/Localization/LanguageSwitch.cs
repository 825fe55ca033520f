using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Dentistimo.Web.Localization;

public static class LanguageSwitch
{
    public static string UrlFor(HttpRequest request, string language)
    {
        var (path, query) = PageAddress(request);
        var parameters = QueryHelpers.ParseQuery(query);
        parameters[Languages.QueryKey] = language;
        var builder = new QueryBuilder(parameters.SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? ""))));
        return SiteRelative(path) + builder.ToQueryString();
    }

    private const string PageAddressKey = "LanguageSwitch.PageAddress";

    // For a page answered to a post whose own address cannot show it by GET (the manage page's token is in the form).
    public static void LinkTo(HttpContext context, string siteRelativeAddress) => context.Items[PageAddressKey] = siteRelativeAddress;

    // A request for //evil.example/x (or /\evil.example, which browsers read alike) would otherwise link off the site.
    public static string SiteRelative(PathString path) => "/" + path.ToUriComponent().TrimStart('/', '\\');

    // On an error page, the address that failed: the error page's own would show an error that did not happen.
    private static (PathString Path, string? Query) PageAddress(HttpRequest request)
    {
        if (request.HttpContext.Items[PageAddressKey] is string address)
        {
            var queryStart = address.IndexOf('?', StringComparison.Ordinal);
            return queryStart < 0 ? (new PathString(address), null) : (new PathString(address[..queryStart]), address[queryStart..]);
        }

        if (request.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is { } failedWithStatus)
        {
            return (new PathString(failedWithStatus.OriginalPathBase) + new PathString(failedWithStatus.OriginalPath), failedWithStatus.OriginalQueryString);
        }

        var path = request.HttpContext.Features.Get<IExceptionHandlerPathFeature>() is { } failedWithException
            ? new PathString(failedWithException.Path)
            : request.Path;
        return (request.PathBase + path, request.QueryString.Value);
    }
}
