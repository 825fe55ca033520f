using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Dentistimo.Web.Localization;

// Keyed by the English wording; one catalog for every page, model and attribute keeps the translations in one
// reviewable place without resource files.
public sealed class CatalogStringLocalizer : IStringLocalizer
{
    public LocalizedString this[string name] => Translate(name, []);

    public LocalizedString this[string name, params object[] arguments] => Translate(name, arguments);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        SwedishTexts.All.Keys.Select(key => this[key]);

    private static LocalizedString Translate(string name, object[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var translated = Languages.From(culture) == Languages.Swedish ? SwedishTexts.All.GetValueOrDefault(name) : name;
        var format = translated ?? name;
        var value = arguments.Length == 0 ? format : string.Format(CultureInfo.CurrentCulture, format, arguments);
        return new LocalizedString(name, value, resourceNotFound: translated is null);
    }
}

public sealed class CatalogStringLocalizerFactory : IStringLocalizerFactory
{
    private static readonly CatalogStringLocalizer s_localizer = new();

    public IStringLocalizer Create(Type resourceSource) => s_localizer;

    public IStringLocalizer Create(string baseName, string location) => s_localizer;
}

// The codes BookingApi accepts for the booking emails.
public static class Languages
{
    public const string English = "en";
    public const string Swedish = "sv";
    public const string QueryKey = "lang";

    public static readonly string[] All = [English, Swedish];

    public static string Current => From(CultureInfo.CurrentUICulture);

    public static string From(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == Swedish ? Swedish : English;

    public static bool IsSupported(string? code) => code is English or Swedish;
}
