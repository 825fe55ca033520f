using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Dentistimo.Web.Localization;

public static class LanguageSwitch
{
    /// <summary>The same page in another language: the page's path and query with <c>lang</c> replaced.</summary>
    public static string UrlFor(HttpRequest request, string language)
    {
        var (path, query) = PageAddress(request);
        var parameters = QueryHelpers.ParseQuery(query);
        parameters[Languages.QueryKey] = language;
        var builder = new QueryBuilder(parameters.SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? ""))));
        return SiteRelative(path) + builder.ToQueryString();
    }

    private const string PageAddressKey = "LanguageSwitch.PageAddress";

    /// <summary>
    /// For a page answered to a form post whose own address cannot show it by GET (the manage page's posts carry the
    /// token in the form): the address that does, for the language switch to link to.
    /// </summary>
    public static void LinkTo(HttpContext context, string siteRelativeAddress) => context.Items[PageAddressKey] = siteRelativeAddress;

    /// <summary>
    /// The path as a link that cannot leave the site: a request for <c>//evil.example/x</c> (or <c>/\evil.example</c>,
    /// which browsers read alike) would otherwise link to another host. Its leading slashes and backslashes become one slash.
    /// </summary>
    public static string SiteRelative(PathString path) => "/" + path.ToUriComponent().TrimStart('/', '\\');

    /// <summary>
    /// On an error page, the address that failed, which the patient asked for: the error page's own address would show
    /// an error that did not happen. The exception handler keeps the failed request's query; the status code pages do not.
    /// </summary>
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
