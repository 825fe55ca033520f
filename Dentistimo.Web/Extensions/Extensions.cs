using System.IO.Compression;
using Dentistimo.Web.Hubs;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.IntegrationEvents.EventHandling;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Pages;
using Dentistimo.Web.Services;
using MassTransit;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StockholmCalendar>();
        builder.Services.AddMemoryCache();

        builder.AddLocalization();
        builder.Services.AddRazorPages()
            .AddMvcOptions(options => options.Filters.Add<BookingApiUnavailableFilter>())
            .AddRazorPagesOptions(options => options.Conventions.Add(new PageMethodsConvention()))
            .AddViewLocalization()
            .AddDataAnnotationsLocalization();

        builder.Services.AddOutputCache(options =>
        {
            options.AddPolicy(IndexModel.OutputCachePolicy, policy => policy.Expire(BookingApiClient.RangeCacheDuration).VaryByPageRequest());
            options.AddPolicy(BookModel.OutputCachePolicy, policy => policy.Expire(BookingApiClient.DayCacheDuration).VaryByPageRequest()
                .AddPolicy<BookingPageDayTag>());
        });

        // The home page carries every clinic's calendar for the whole booking window, which compresses well.
        builder.Services.AddResponseCompression(options =>
        {
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Optimal);

        builder.AddValidatedOptions<MapOptions>(MapOptions.SectionName);
        builder.AddValidatedOptions<FormBodyLimitOptions>(FormBodyLimitOptions.SectionName);
        builder.AddTrustedProxies();
        builder.AddValidatedOptions<BookingAttemptLimitOptions>(BookingAttemptLimitOptions.SectionName);
        builder.Services.AddSingleton<BookingAttemptLimiter>();

        var bookingApi = builder.Configuration.GetRequiredServiceDiscoveryUri("bookingapi");
        // The Authorization header carries a booking's manage token: HttpClient's logs never show its value.
        builder.Services.AddHttpClient<BookingApiClient>(http => http.BaseAddress = bookingApi)
            .RedactLoggedHeaders([HeaderNames.Authorization]);

        builder.Services.AddSignalR();
        builder.AddAvailabilityEvents();
    }

    // Every query key, so no link on a cached page carries another visitor's query; and the language the request
    // resolved to from a cookie or Accept-Language, which the cache key would not otherwise show.
    private static OutputCachePolicyBuilder VaryByPageRequest(this OutputCachePolicyBuilder policy) => policy
        .SetVaryByQuery("*")
        .SetVaryByHeader("Accept-Encoding")
        .VaryByValue(context => new("language", context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.Name ?? ""));

    public static WebApplication UseApplicationLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        app.UseLanguageCookie();
        return app;
    }

    private static void AddLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IStringLocalizerFactory, CatalogStringLocalizerFactory>();
        builder.Services.AddTransient(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            // The neutral cultures catch browsers that send only "sv" or "en".
            var cultures = new[] { LanguageRequestCultureProvider.EnglishCulture, LanguageRequestCultureProvider.SwedishCulture, new("en"), new("sv") };
            options.DefaultRequestCulture = new RequestCulture(LanguageRequestCultureProvider.EnglishCulture);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.RequestCultureProviders =
            [
                new LanguageRequestCultureProvider(),
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
    }

    // A queue per replica, deleted when it goes, so every browser hears of every booking whichever replica it is on.
    private static void AddAvailabilityEvents(this IHostApplicationBuilder builder)
    {
        // Pages and bookings go on without RabbitMQ; only the live updates of open pages wait for it.
        var messaging = builder.AddRabbitMqBesideMassTransit("messaging", brokerDownStatus: HealthStatus.Degraded);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<SlotAvailabilityChangedHandler>();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ReceiveEndpoint(new TemporaryEndpointDefinition("web-availability"), endpoint =>
                {
                    endpoint.ConfigureConsumer<SlotAvailabilityChangedHandler>(context);
                });
            });
        });
    }

    public static IEndpointRouteBuilder MapAvailabilityHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<AvailabilityHub>(AvailabilityHub.Path);
        return app;
    }
}
