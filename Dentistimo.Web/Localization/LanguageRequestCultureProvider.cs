using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Dentistimo.Web.Localization;

// ?lang= (the language switch and the emails' links) wins over the cookie, which wins over Accept-Language.
public sealed class LanguageRequestCultureProvider : RequestCultureProvider
{
    public static readonly CultureInfo SwedishCulture = CultureInfo.GetCultureInfo("sv-SE");
    public static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en-GB");

    public static CultureInfo CultureFor(string language) => language == Languages.Swedish ? SwedishCulture : EnglishCulture;

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var language = httpContext.Request.Query[Languages.QueryKey].ToString();
        if (!Languages.IsSupported(language))
        {
            return NullProviderCultureResult;
        }

        var culture = CultureFor(language).Name;
        return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(culture, culture));
    }
}

public static class LanguageCookie
{
    // So the links inside the site need not carry ?lang=.
    public static IApplicationBuilder UseLanguageCookie(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var language = context.Request.Query[Languages.QueryKey].ToString();
            if (Languages.IsSupported(language))
            {
                var culture = LanguageRequestCultureProvider.CultureFor(language).Name;
                context.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps });
            }

            await next();
        });
}
