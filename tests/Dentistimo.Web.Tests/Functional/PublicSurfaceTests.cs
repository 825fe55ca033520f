using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Dentistimo.Contracts.Api;
using Dentistimo.Testing;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>
/// The web app as a stranger probes it: any method, any size of body, any path; what each answer lets a browser do,
/// and what it shows back of what was sent.
/// </summary>
public sealed class PublicSurfaceTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    private static readonly string s_contentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy(new MapOptions());

    [Theory]
    [InlineData("PUT", "/book?clinic=1&date={date}", "GET, HEAD, POST")]
    [InlineData("DELETE", "/book?clinic=1&date={date}", "GET, HEAD, POST")]
    [InlineData("PATCH", "/book?clinic=1&date={date}", "GET, HEAD, POST")]
    [InlineData("TRACE", "/book?clinic=1&date={date}", "GET, HEAD, POST")]
    [InlineData("PUT", "/bookings/{id}", "GET, HEAD")]
    [InlineData("DELETE", "/bookings/{id}", "GET, HEAD")]
    [InlineData("PATCH", "/bookings/{id}", "GET, HEAD")]
    [InlineData("TRACE", "/bookings/{id}", "GET, HEAD")]
    [InlineData("PUT", "/bookings/{id}/manage", "GET, HEAD, POST")]
    [InlineData("DELETE", "/bookings/{id}/manage", "GET, HEAD, POST")]
    [InlineData("PATCH", "/bookings/{id}/manage", "GET, HEAD, POST")]
    [InlineData("TRACE", "/bookings/{id}/manage", "GET, HEAD, POST")]
    [InlineData("POST", "/", "GET, HEAD")]
    [InlineData("DELETE", "/", "GET, HEAD")]
    public async Task An_unsupported_method_is_answered_405_with_Allow_and_the_security_headers(string method, string address, string allowed)
    {
        var url = address.Replace("{date}", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd")).Replace("{id}", Guid.NewGuid().ToString());

        using var response = await system.Web.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow.Order()));
        AssertSecurityHeaders(response);
        var page = await ParseAsync(response);
        Assert.Equal("That cannot be done here", page.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Outside_Development_a_failure_shows_no_stack_trace_and_its_page_carries_the_security_headers()
    {
        await using var staging = system.Web.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Staging");
            builder.ConfigureTestServices(services => services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new FailingBookingApi()));
        });
        await using var development = system.Web.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new FailingBookingApi())));

        using var failed = await staging.CreateClient().GetAsync("/?lang=en");
        using var failedInDevelopment = await development.CreateClient().GetAsync("/?lang=en");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        var text = await failed.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", text);
        Assert.DoesNotContain(FailingBookingApi.Message, text);
        Assert.DoesNotContain(nameof(InvalidOperationException), text);
        AssertSecurityHeaders(failed);
        // The developer exception page, which clears the headers set before it, is as strict.
        Assert.Equal(HttpStatusCode.InternalServerError, failedInDevelopment.StatusCode);
        AssertSecurityHeaders(failedInDevelopment);
    }

    [Fact]
    public async Task Error_pages_carry_the_same_security_headers_as_the_rest()
    {
        await using var withoutBookingApi = new WebFactory(new Uri("http://127.0.0.1:9"), system.Resources.Messaging);
        var client = system.Web.CreateClient();

        using var missing = await client.GetAsync("/no-such-page");
        using var missingBooking = await client.GetAsync($"/bookings/{Guid.NewGuid()}");
        using var unavailable = await withoutBookingApi.CreateClient().GetAsync($"/book?clinic=1&date={DateTime.UtcNow.AddDays(3):yyyy-MM-dd}");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable],
            new[] { missing, missingBooking, unavailable }.Select(response => response.StatusCode));
        AssertSecurityHeaders(missing);
        AssertSecurityHeaders(missingBooking);
        AssertSecurityHeaders(unavailable);
    }

    [Theory]
    [InlineData(17 * 1024)]
    [InlineData(8 * 1024 * 1024)]
    public async Task A_form_larger_than_16_KiB_is_answered_413_with_a_page_before_it_is_read(int bytes)
    {
        var date = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");
        var fields = new Dictionary<string, string> { ["Form.Name"] = new('a', bytes), ["Form.Consent"] = "true" };

        using var response = await system.Web.CreateClient().PostAsync($"/book?clinic=1&date={date}&lang=sv", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertSecurityHeaders(response);
        var page = await ParseAsync(response);
        Assert.Equal("Formuläret är för stort", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.DoesNotContain("aaaa", page.Body!.InnerHtml);
    }

    [Fact]
    public async Task A_form_without_a_length_is_cut_off_at_16_KiB_and_answered_413()
    {
        await using var web = new WebFactory(system.BookingApiAddress, system.Resources.Messaging);
        using var http = new HttpClient { BaseAddress = web.StartedOnKestrel() };
        var body = "Form.Consent=true&Form.Name=" + new string('a', 64 * 1024);
        // Sent chunked: the server learns the size only by reading.
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(body)));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/book?clinic=1&date={DateTime.UtcNow.AddDays(3):yyyy-MM-dd}") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertSecurityHeaders(response);
        Assert.Contains("The form is too large", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task What_a_patient_typed_is_shown_back_cut_at_its_rule_s_length_and_kept_by_no_cache()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 3, daysAhead: 16);
        var client = system.Web.CreateClient(new() { AllowAutoRedirect = false });
        var address = $"/book?clinic=3&date={date:yyyy-MM-dd}&lang=en";
        var tooLong = new Dictionary<string, string>
        {
            ["Form.RequestId"] = new('r', 2000),
            ["Form.Start"] = start.ToString("O"),
            ["Form.Name"] = new('N', 5000),
            ["Form.Email"] = new string('e', 4000) + "@example.com",
            ["Form.Phone"] = new('1', 3000),
            ["Form.Consent"] = "true",
        };
        var valid = new Dictionary<string, string>
        {
            ["Form.Start"] = start.ToString("O"),
            ["Form.Name"] = "Astrid Lindgren",
            ["Form.Email"] = BookingApiDriver.NewPatientEmail(),
            ["Form.Consent"] = "true",
        };

        using var invalidAnswer = await client.PostAsync(address, new FormUrlEncodedContent(tooLong));
        valid["Form.RequestId"] = Guid.NewGuid().ToString();
        using var booked = await client.PostAsync(address, new FormUrlEncodedContent(valid));
        // The same patient at the same time again, as a new request: turned down, with the form as typed.
        valid["Form.RequestId"] = Guid.NewGuid().ToString();
        using var rejectedAnswer = await client.PostAsync(address, new FormUrlEncodedContent(valid));

        Assert.Equal(HttpStatusCode.OK, invalidAnswer.StatusCode);
        var invalid = await ParseAsync(invalidAnswer);
        Assert.Equal(new string('N', PatientDetailsFormat.MaxNameLength), Value(invalid, "#Form_Name"));
        Assert.Equal(new string('e', PatientDetailsFormat.MaxEmailLength), Value(invalid, "#Form_Email"));
        Assert.Equal(new string('1', 40), Value(invalid, "#Form_Phone"));
        Assert.True(Value(invalid, "#Form_RequestId").Length <= 68);
        Assert.Equal("Use at most 100 characters.", invalid.QuerySelector("[data-valmsg-for='Form.Name']")!.TextContent.Trim());
        Assert.Equal("Use at most 40 characters.", invalid.QuerySelector("[data-valmsg-for='Form.Phone']")!.TextContent.Trim());
        Assert.DoesNotContain(new string('N', PatientDetailsFormat.MaxNameLength + 1), invalid.Source.Text);
        Assert.True(invalidAnswer.Headers.CacheControl!.NoStore);

        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rejectedAnswer.StatusCode);
        var rejected = await ParseAsync(rejectedAnswer);
        Assert.NotNull(rejected.QuerySelector("#rejection"));
        Assert.Equal("Astrid Lindgren", Value(rejected, "#Form_Name"));
        Assert.True(rejectedAnswer.Headers.CacheControl!.NoStore);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("///evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("/\\/evil.example/x")]
    [InlineData("/%2F%2Fevil.example/x")]
    [InlineData("/%2f/evil.example/x")]
    public async Task Language_links_stay_on_the_site_whatever_the_path_asked_for(string path)
    {
        // Set on the request as the server sees it: an HTTP client would resolve //host against the base address.
        var context = await system.Web.Server.SendAsync(request =>
        {
            request.Request.Method = HttpMethods.Get;
            request.Request.Path = new PathString(path);
            request.Request.QueryString = new QueryString("?lang=en");
        });

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        var html = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var page = await BrowsingContext.New(Configuration.Default).OpenAsync(response => response.Content(html).Address("https://dentistimo.example/"));
        var links = page.QuerySelectorAll("a[href]").Select(link => link.GetAttribute("href")!).ToList();
        Assert.Contains(links, link => link.Contains("evil.example") && link.Contains("lang=sv"));
        Assert.All(links, link => Assert.Equal("dentistimo.example", new Uri(new Uri("https://dentistimo.example/"), link).Host));
    }

    [Fact]
    public async Task The_per_client_limit_counts_the_address_a_known_proxy_forwarded_and_an_IPv6_client_by_its_64()
    {
        await using var web = new WebFactory(system.BookingApiAddress, system.Resources.Messaging, new Dictionary<string, string?>
        {
            ["BookingAttempts:BurstPerClient"] = "1",
            ["BookingAttempts:PerClientPerMinute"] = "1",
            ["ForwardedHeaders:KnownProxies:0"] = "192.0.2.10",
        });
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 20);
        var starts = await system.Api.AvailableStartsAsync(4, date);
        // Each from a connection's address, with the X-Forwarded-For it sent.
        (string ConnectedFrom, string? ForwardedFor)[] requests =
        [
            ("192.0.2.10", "198.51.100.1"),
            ("192.0.2.10", "198.51.100.1"), // the same client behind the proxy
            ("192.0.2.10", "198.51.100.2"), // another client behind the proxy
            ("203.0.113.9", "198.51.100.3"), // no proxy: counted as itself
            ("203.0.113.9", "198.51.100.4"), // a new header of its own changes nothing
            ("2001:db8:1:2::1", null),
            ("2001:db8:1:2:ffff::2", null), // another address in the same /64
        ];
        Assert.True(starts.Count >= requests.Length, $"Only {starts.Count} free times on {date}.");

        var statuses = new List<int>();
        foreach (var ((connectedFrom, forwardedFor), start) in requests.Zip(starts))
        {
            statuses.Add(await PostBookingFormAsync(web, $"/book?clinic=4&date={date:yyyy-MM-dd}", start, IPAddress.Parse(connectedFrom), forwardedFor));
        }

        Assert.Equal([302, 429, 302, 302, 429, 302, 429], statuses);
    }

    /// <summary>A valid booking form as it arrives at the server from <paramref name="connectedFrom"/>: the status it is answered with.</summary>
    private static async Task<int> PostBookingFormAsync(WebFactory web, string address, DateTimeOffset start, IPAddress connectedFrom, string? forwardedFor)
    {
        var fields = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Start"] = start.ToString("O"),
            ["Form.Name"] = "Astrid Lindgren",
            ["Form.Email"] = BookingApiDriver.NewPatientEmail(),
            ["Form.Consent"] = "true",
        });
        var body = await fields.ReadAsByteArrayAsync();
        var context = await web.Server.SendAsync(request =>
        {
            request.Connection.RemoteIpAddress = connectedFrom;
            request.Request.Method = HttpMethods.Post;
            request.Request.Path = address[..address.IndexOf('?')];
            request.Request.QueryString = new QueryString(address[address.IndexOf('?')..]);
            request.Request.ContentType = "application/x-www-form-urlencoded";
            request.Request.ContentLength = body.Length;
            request.Request.Body = new MemoryStream(body);
            if (forwardedFor is not null)
            {
                request.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return context.Response.StatusCode;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal(s_contentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    private static string Value(IDocument page, string selector) => ((IHtmlInputElement)page.QuerySelector(selector)!).Value;

    private static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html).Address(response.RequestMessage!.RequestUri!));
    }

    /// <summary>A BookingApi client that fails as a bug would, not as an unreachable service (which is a 503).</summary>
    private sealed class FailingBookingApi : DelegatingHandler
    {
        public const string Message = "A failure whose details only a developer may see";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Message);
    }
}
