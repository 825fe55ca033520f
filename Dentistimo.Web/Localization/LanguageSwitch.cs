using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Dentistimo.Web.Localization;

public static class LanguageSwitch
{
    /// <summary>The same page in another language: the current path and query with <c>lang</c> replaced.</summary>
    public static string UrlFor(HttpRequest request, string language)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        query[Languages.QueryKey] = language;
        var builder = new QueryBuilder(query.SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? ""))));
        return request.PathBase + request.Path + builder.ToQueryString();
    }
}
