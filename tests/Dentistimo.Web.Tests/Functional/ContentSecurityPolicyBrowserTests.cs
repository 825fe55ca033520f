using Dentistimo.Testing;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>
/// Every page, in both languages, under the site's Content-Security-Policy in Chromium: what the policy would block is
/// reported by the browser, and nothing may be.
/// </summary>
public sealed class ContentSecurityPolicyBrowserTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    /// <summary>Chromium reports each violation as a console error; the event, in case a message is worded otherwise.</summary>
    private const string ReportViolations =
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));";

    [Fact]
    public async Task No_page_in_either_language_does_anything_the_content_security_policy_blocks()
    {
        var web = system.WebOnKestrel;
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 17);
        var iso = date.ToString("yyyy-MM-dd");
        var (status, body) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
        await using var withoutBookingApi = new WebFactory(new Uri("http://127.0.0.1:9"), system.Resources.Messaging);
        var unavailable = withoutBookingApi.StartedOnKestrel();
        await using var failing = new FailingWebFactory(system.BookingApiAddress, system.Resources.Messaging);
        var failingWeb = failing.StartedOnKestrel();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var violations = new List<string>();
        foreach (var language in new[] { "sv", "en" })
        {
            var page = await NewPageAsync(browser, violations);
            await VisitAsync(page, new Uri(web, $"/?lang={language}"), 200, "#map.leaflet-container");
            await VisitAsync(page, new Uri(web, $"/book?clinic=1&date={iso}&lang={language}"), 200, "#booking-form[data-live='true']");
            await VisitAsync(page, new Uri(web, $"/bookings/{(string)body["id"]!}?lang={language}"), 200, "#reference");
            await VisitAsync(page, new Uri(web, $"/bookings/{(string)body["id"]!}/manage?token={(string)body["manageToken"]!}&lang={language}"), 200, "#move-form");
            await VisitAsync(page, new Uri(web, $"/no-such-page?lang={language}"), 404, "h1");
            await VisitAsync(page, new Uri(unavailable, $"/book?clinic=1&date={iso}&lang={language}"), 503, "h1");
            await VisitAsync(page, new Uri(failingWeb, $"/?lang={language}"), 500, "h1");

            // A form too large, sent from the booking page as a browser sends it: the 413 page, through form-action.
            await VisitAsync(page, new Uri(web, $"/book?clinic=1&date={iso}&lang={language}"), 200, "#booking-form");
            var tooLarge = page.WaitForResponseAsync(response => response.Request.Method == "POST");
            await page.EvaluateAsync("() => { const form = document.getElementById('booking-form'); form.elements['Form.Name'].value = 'a'.repeat(20000); form.submit(); }");
            Assert.Equal(413, (await tooLarge).Status);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        Assert.Empty(violations);
    }

    private static async Task VisitAsync(IPage page, Uri address, int status, string ready)
    {
        var response = await page.GotoAsync(address.ToString());
        Assert.Equal(status, response!.Status);
        await page.Locator(ready).First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, List<string> violations)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" });
        context.SetDefaultTimeout(90_000);
        await context.AddInitScriptAsync(ReportViolations);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.StartsWith("CSP violation", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    /// <summary>The web app outside Development, over a BookingApi client that fails as a bug would: the 500 page visitors see.</summary>
    private sealed class FailingWebFactory(Uri bookingApi, string messaging) : WebApplicationFactory<BookingApiClient>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Staging");
            builder.UseUrls(BookingApiFactory.AnyFreeLoopbackPort);
            builder.UseSetting("services:bookingapi:http:0", bookingApi.ToString());
            builder.UseSetting("ConnectionStrings:messaging", messaging);
            builder.ConfigureTestServices(services => services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new FailingHandler()));
        }

        public Uri StartedOnKestrel()
        {
            UseKestrel();
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        }
    }

    private sealed class FailingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A failure whose details only a developer may see");
    }
}
