using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Testing;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using static Dentistimo.Web.Tests.Functional.HtmlPages;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>
/// The manage page (issue #26) against BookingApi's manage contract as <see cref="ManageContractStub"/> answers it,
/// beside the real BookingApi for the clinics and their days: what the page shows and sends for each answer, its
/// headers, and where the token may go. The same journey against BookingApi's own endpoints is in ManageBookingTests.
/// </summary>
public sealed class ManagePageTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    private const string ClinicPhone = "031-12 34 56";

    [Fact]
    public async Task An_unknown_booking_a_wrong_token_and_no_token_are_the_same_missing_page()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient();

        using var wrongToken = await client.GetAsync($"/bookings/{stub.BookingId}/manage?token={ManageContractStub.OtherToken}&lang=en");
        using var unknown = await client.GetAsync($"/bookings/{Guid.NewGuid()}/manage?token={ManageContractStub.Token}&lang=en");
        using var noToken = await client.GetAsync($"/bookings/{stub.BookingId}/manage?lang=en");
        using var cancelWithWrongToken = await client.PostAsync($"/bookings/{stub.BookingId}/manage?handler=cancel&lang=en",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = ManageContractStub.OtherToken }));

        var pages = new[] { wrongToken, unknown, noToken, cancelWithWrongToken };
        Assert.All(pages, page => Assert.Equal(HttpStatusCode.NotFound, page.StatusCode));
        var texts = await Task.WhenAll(pages.Select(async page => (await ParseAsync(page)).QuerySelector("main")!.TextContent));
        Assert.Single(texts.Distinct());
        Assert.Contains("We could not find that page.", texts[0]);
        Assert.Equal(0, stub.Changes);
    }

    [Fact]
    public async Task A_changeable_appointment_shows_its_facts_a_cancel_form_and_the_day_s_free_times_with_the_token_only_in_the_forms()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);

        using var response = await web.CreateClient().GetAsync(stub.ManageLink("en"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Equal("noindex", response.Headers.GetValues("X-Robots-Tag").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var page = await ParseAsync(response);
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")!.GetAttribute("content"));
        Assert.Equal("DEN-TEST", page.QuerySelector("#reference")!.TextContent);
        Assert.Equal("Confirmed", page.QuerySelector("#appointment-status")!.TextContent);
        var localStart = ClinicTime.ToLocal(stub.Booking.Start);
        Assert.Contains($"{localStart:HH:mm}–{localStart.AddMinutes(30):HH:mm}", page.QuerySelector("#appointment-time")!.TextContent);

        // Changes are posted, with the token in the form and not in the address, which the forms' posts keep out of logs.
        var cancel = (IHtmlFormElement)page.QuerySelector("#cancel-form")!;
        var move = (IHtmlFormElement)page.QuerySelector("#move-form")!;
        foreach (var form in new[] { cancel, move })
        {
            Assert.Equal("post", form.Method);
            Assert.DoesNotContain("token", form.GetAttribute("action"));
            Assert.Equal(ManageContractStub.Token, ((IHtmlInputElement)form.QuerySelector("input[name=token]")!).Value);
        }

        Assert.Equal("Cancel this appointment?", page.QuerySelector("#cancel-heading")!.TextContent);
        // The day shown to move to is the appointment's own; its own time is there, and cannot be chosen.
        Assert.Equal(ClinicTime.LocalDate(stub.Booking.Start).ToString("yyyy-MM-dd"), ((IHtmlInputElement)page.QuerySelector("#move-date")!).Value);
        var own = page.QuerySelectorAll(".slot").Single(slot => DateTimeOffset.Parse(slot.GetAttribute("data-start")!) == stub.Booking.Start);
        Assert.True(own.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Equal("Your appointment", own.QuerySelector(".slot-state")!.TextContent.Trim());
        Assert.NotEmpty(move.QuerySelectorAll(".slot--available input:not([disabled])"));
        Assert.NotNull(page.QuerySelector(".slot-legend"));
        Assert.Equal(0, stub.Changes);
    }

    [Fact]
    public async Task Opening_the_link_any_way_a_mail_scanner_might_changes_nothing()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient();

        using var plain = await client.GetAsync(stub.ManageLink("en"));
        using var withHandler = await client.GetAsync(stub.ManageLink("en") + "&handler=cancel");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, stub.ManageLink("en") + "&handler=move"));

        Assert.All([plain, withHandler, head], answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(0, stub.Changes);
        Assert.Equal(BookingResponse.ConfirmedStatus, stub.Booking.Status);
    }

    [Theory]
    [InlineData("en", "Your appointment is cancelled", "Book a new time at Tooth Fairy Dentist")]
    [InlineData("sv", "Din tid är avbokad", "Boka en ny tid hos Tooth Fairy Dentist")]
    public async Task Cancelling_redirects_back_to_the_page_which_says_so_and_offers_to_book_again_that_day(string language, string notice, string bookAgain)
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await GetPageAsync(client, stub.ManageLink(language));

        using var answer = await SubmitAsync(client, page, "#cancel-form");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(stub.ManageLink(language) + "&notice=cancelled", answer.Headers.Location!.OriginalString);
        Assert.Equal(["POST /cancellation"], stub.ChangesAsked);
        var cancelled = await GetPageAsync(client, answer.Headers.Location.OriginalString);
        Assert.Equal(notice, cancelled.QuerySelector("#change-notice h2")!.TextContent.Trim());
        var link = cancelled.QuerySelector("#book-again")!;
        Assert.Equal(bookAgain, link.TextContent.Trim());
        Assert.Equal($"/book?clinic=2&date={ClinicTime.LocalDate(stub.Booking.Start):yyyy-MM-dd}&lang={language}", link.GetAttribute("href"));
        Assert.Null(cancelled.QuerySelector("#cancel-form"));
        Assert.Null(cancelled.QuerySelector("#move-form"));
    }

    [Fact]
    public async Task Moving_redirects_back_to_the_page_which_says_to_when()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await GetPageAsync(client, stub.ManageLink("en"));
        var newStart = page.QuerySelectorAll("#move-form input[name=start]:not([disabled])").Select(input => DateTimeOffset.Parse(input.GetAttribute("value")!)).Last();

        using var answer = await SubmitAsync(client, page, "#move-form", new() { ["start"] = newStart.ToString("O") });

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(stub.ManageLink("en") + "&notice=moved", answer.Headers.Location!.OriginalString);
        Assert.Equal(newStart, stub.Booking.Start);
        var moved = await GetPageAsync(client, answer.Headers.Location.OriginalString);
        var localStart = ClinicTime.ToLocal(newStart);
        Assert.Contains($"Your appointment is moved to {DisplayTexts.LongDate(ClinicTime.LocalDate(newStart))}, {localStart:HH:mm}", moved.QuerySelector("#change-notice")!.TextContent);
    }

    [Fact]
    public async Task A_move_without_a_time_chosen_asks_for_one_and_sends_nothing()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient();
        var page = await GetPageAsync(client, stub.ManageLink("sv"));

        using var answer = await SubmitAsync(client, page, "#move-form");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var again = await ParseAsync(answer);
        Assert.Equal("Välj en ledig tid.", again.QuerySelector("#start-error")!.TextContent.Trim());
        Assert.All(again.QuerySelectorAll("input[name=start]"), input => Assert.Equal("true", input.GetAttribute("aria-invalid")));
        Assert.Equal(0, stub.Changes);
        // The answer's own address takes only posts: the language switch links to the page's.
        var date = ((IHtmlInputElement)page.QuerySelector("#move-form input[name=date]")!).Value;
        Assert.Equal(stub.ManageLink("en") + $"&date={date}", again.QuerySelector(".language-switch a[hreflang=en]")!.GetAttribute("href"));
        using var inEnglish = await client.GetAsync(again.QuerySelector(".language-switch a[hreflang=en]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, inEnglish.StatusCode);
    }

    [Theory]
    [InlineData("en", "It is too late to change this appointment online. Please call the clinic on 031-12 34 56.")]
    [InlineData("sv", "Det är för sent att ändra tiden på webben. Ring kliniken på 031-12 34 56.")]
    public async Task Too_late_to_cancel_says_to_call_the_clinic_in_the_patient_s_language(string language, string sentence)
    {
        var stub = await NewStubAsync();
        stub.Refuse(ChangeRefusalCodes.TooLateToChange);
        await using var web = WebWith(stub);
        var client = web.CreateClient();
        var page = await GetPageAsync(client, stub.ManageLink(language));

        using var answer = await SubmitAsync(client, page, "#cancel-form");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var refused = await ParseAsync(answer);
        Assert.Equal(sentence, refused.QuerySelector("#change-refused")!.TextContent.Trim());
        Assert.Equal("alert", refused.QuerySelector("#change-refused")!.GetAttribute("role"));
        Assert.Equal(BookingResponse.ConfirmedStatus, stub.Booking.Status);
    }

    [Fact]
    public async Task A_time_taken_just_before_the_move_asks_for_another_and_shows_the_day_s_free_times_again()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient();
        var page = await GetPageAsync(client, stub.ManageLink("en"));
        var taken = page.QuerySelectorAll("#move-form input[name=start]:not([disabled])").Select(input => DateTimeOffset.Parse(input.GetAttribute("value")!)).Last();
        stub.Refuse(RejectionCodes.FullyBooked);

        using var answer = await SubmitAsync(client, page, "#move-form", new() { ["start"] = taken.ToString("O") });

        var refused = await ParseAsync(answer);
        Assert.Equal("That time was just taken; choose another.", refused.QuerySelector("#start-error")!.TextContent.Trim());
        Assert.Null(refused.QuerySelector("#change-refused"));
        Assert.True(((IHtmlInputElement)refused.QuerySelector($"#move-form input[value='{taken:O}']")!).IsChecked);
        Assert.Equal(ClinicTime.LocalDate(taken).ToString("yyyy-MM-dd"), ((IHtmlInputElement)refused.QuerySelector("#move-date")!).Value);
        Assert.NotEmpty(refused.QuerySelectorAll("#move-form .slot--available input:not([disabled])"));
        Assert.Equal(ClinicTime.ToLocal(stub.OriginalStart), ClinicTime.ToLocal(stub.Booking.Start));
    }

    [Fact]
    public async Task Times_BookingApi_would_refuse_as_too_soon_are_not_offered_and_a_refusal_is_said_beside_the_times()
    {
        // BookingApi's cut-off, as if it ended two hours after the appointment: the day's times until then are too soon.
        var stub = await NewStubAsync(movesStartAfterTheAppointment: TimeSpan.FromHours(2));
        await using var web = WebWith(stub);
        var client = web.CreateClient();

        var page = await GetPageAsync(client, stub.ManageLink("en"));

        var slots = page.QuerySelectorAll("#move-form .slot").Select(slot => (
            Start: DateTimeOffset.Parse(slot.GetAttribute("data-start")!),
            Offered: !((IHtmlInputElement)slot.QuerySelector("input")!).IsDisabled,
            State: slot.QuerySelector(".slot-state")!.TextContent.Trim())).ToList();
        var cutoffEnds = stub.OriginalStart.AddHours(2);
        Assert.Contains(slots, slot => slot.Start != stub.OriginalStart && slot.Start <= cutoffEnds);
        Assert.All(slots.Where(slot => slot.Start != stub.OriginalStart && slot.Start <= cutoffEnds),
            slot => Assert.Equal((false, "Too soon to move to"), (slot.Offered, slot.State)));
        Assert.DoesNotContain(slots, slot => slot.Offered && slot.Start <= cutoffEnds);
        Assert.StartsWith("Times before ", page.QuerySelector("#move-cutoff")!.TextContent.Trim());

        // Were BookingApi to refuse a time offered anyway (its clock ahead of ours), the reason stands beside the times.
        var offered = slots.First(slot => slot.Offered).Start;
        stub.Refuse(ChangeRefusalCodes.TooSoonToMoveTo);
        using var answer = await SubmitAsync(client, page, "#move-form", new() { ["start"] = offered.ToString("O") });
        var refused = await ParseAsync(answer);

        Assert.Equal("That time starts too soon to be changed online afterwards. Please choose a later time.", refused.QuerySelector("#start-error")!.TextContent.Trim());
        Assert.Null(refused.QuerySelector("#change-refused"));
        Assert.True(((IHtmlInputElement)refused.QuerySelector($"#move-form input[value='{offered:O}']")!).IsChecked);
    }

    [Fact]
    public async Task An_appointment_past_its_cutoff_says_to_call_the_clinic_and_offers_no_change()
    {
        var stub = await NewStubAsync(changeableUntil: DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var web = WebWith(stub);

        var page = await GetPageAsync(web.CreateClient(), stub.ManageLink("en"));

        Assert.Equal(
            $"This appointment can no longer be changed online. To change or cancel it, please call the clinic on {ClinicPhone}.",
            page.QuerySelector("#state")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("#cancel-form"));
        Assert.Null(page.QuerySelector("#move-form"));
    }

    [Fact]
    public async Task Another_date_is_chosen_by_a_GET_within_the_booking_window_and_a_date_outside_it_shows_the_appointment_s_day()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var client = web.CreateClient();
        var nextDay = ClinicTime.LocalDate(stub.Booking.Start).AddDays(1).ToString("yyyy-MM-dd");

        var page = await GetPageAsync(client, stub.ManageLink("en"));
        var dateForm = (IHtmlFormElement)page.QuerySelector("#move-date-form")!;
        var other = await GetPageAsync(client, stub.ManageLink("en") + $"&date={nextDay}");
        var tooFar = await GetPageAsync(client, stub.ManageLink("en") + $"&date={DateTime.UtcNow.AddDays(400):yyyy-MM-dd}");

        Assert.Equal("get", dateForm.Method);
        Assert.Equal(ManageContractStub.Token, ((IHtmlInputElement)dateForm.QuerySelector("input[name=token]")!).Value);
        Assert.Equal(nextDay, ((IHtmlInputElement)other.QuerySelector("#move-date")!).Value);
        Assert.Equal(nextDay, ((IHtmlInputElement)other.QuerySelector("#move-form input[name=date]")!).Value);
        Assert.Equal(ClinicTime.LocalDate(stub.Booking.Start).ToString("yyyy-MM-dd"), ((IHtmlInputElement)tooFar.QuerySelector("#move-date")!).Value);
        Assert.Equal(0, stub.Changes);
    }

    [Fact]
    public async Task Changes_count_against_the_same_per_client_limit_as_booking_requests()
    {
        var stub = await NewStubAsync();
        await using var web = system.Web.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("BookingAttempts:BurstPerClient", "1");
            builder.ConfigureTestServices(services => services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new ManageContractStub.Handler(stub)));
        });
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        stub.Refuse(ChangeRefusalCodes.TooLateToChange);
        var page = await GetPageAsync(client, stub.ManageLink("en"));

        using var first = await SubmitAsync(client, page, "#cancel-form");
        using var second = await SubmitAsync(client, page, "#cancel-form");

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.InRange(int.Parse(second.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("Nothing was changed. Please try again in", (await ParseAsync(second)).QuerySelector("#form-errors")!.TextContent);
        Assert.Equal(1, stub.Changes);
    }

    [Fact]
    public async Task A_change_posted_from_another_site_is_refused()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/bookings/{stub.BookingId}/manage?handler=cancel")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = ManageContractStub.Token }),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var answer = await web.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal(0, stub.Changes);
    }

    [Fact]
    public async Task A_change_form_larger_than_the_body_limit_is_answered_413_before_BookingApi_hears_of_it()
    {
        var stub = await NewStubAsync();
        await using var web = WebWith(stub);

        using var answer = await web.CreateClient().PostAsync($"/bookings/{stub.BookingId}/manage?handler=move&lang=en",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = ManageContractStub.Token, ["start"] = new('a', 17 * 1024) }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Equal(0, stub.Changes);
    }

    [Theory]
    [InlineData("en", "we do not know whether your appointment was changed")]
    [InlineData("sv", "vet därför inte om tiden ändrades")]
    public async Task A_change_BookingApi_does_not_answer_says_it_may_or_may_not_have_been_made(string language, string sentence)
    {
        await using var web = new WebFactory(new Uri("http://127.0.0.1:9"), system.Resources.Messaging);

        using var answer = await web.CreateClient().PostAsync($"/bookings/{Guid.NewGuid()}/manage?handler=cancel&lang={language}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = ManageContractStub.Token }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var text = (await ParseAsync(answer)).QuerySelector("main")!.TextContent;
        Assert.Contains(sentence, text);
        Assert.DoesNotContain(language == "sv" ? "Ingenting har bokats eller ändrats" : "Nothing has been booked or changed", text);
    }

    [Fact]
    public async Task The_token_goes_to_BookingApi_only_in_the_Authorization_header_and_into_no_log_line_or_span()
    {
        var stub = await NewStubAsync();
        using var logs = new FakeLoggerProvider();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || source.Name.StartsWith("System.Net.Http", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        // The configured levels, and HttpClient's own at its most talkative: it logs headers then, the token's redacted.
        await using var web = system.Web.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Trace");
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs));
            builder.ConfigureTestServices(services => services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new ManageContractStub.Handler(stub)));
        });
        var client = web.CreateClient();
        var page = await GetPageAsync(client, stub.ManageLink("en"));
        var newStart = page.QuerySelectorAll("#move-form input[name=start]:not([disabled])").Select(input => input.GetAttribute("value")!).Last();

        using var moved = await SubmitAsync(client, page, "#move-form", new() { ["start"] = newStart });
        using var cancelled = await SubmitAsync(client, await ParseAsync(moved), "#cancel-form");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.All(stub.Requests, request => Assert.DoesNotContain(ManageContractStub.Token, request.Uri.ToString()));
        Assert.All(stub.Requests, request => Assert.Equal($"Bearer {ManageContractStub.Token}", request.Authorization));
        var lines = logs.Collector.GetSnapshot().Select(record => $"{record.Message} {record.Exception}").ToList();
        Assert.Contains(lines, line => line.Contains("Authorization", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(ManageContractStub.Token, StringComparison.Ordinal));
        var ourSpans = spans.Where(span => span.Tags.Any(tag => tag.Value?.Contains(stub.BookingId.ToString(), StringComparison.Ordinal) == true)).ToList();
        Assert.NotEmpty(ourSpans);
        Assert.DoesNotContain(ourSpans.SelectMany(span => span.Tags), tag => tag.Value?.Contains(ManageContractStub.Token, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_confirmed_booking_s_page_links_to_its_manage_page_with_the_token_BookingApi_answered_and_sends_no_referrer()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 6);
        await using var web = system.Web.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new BookingApiAnsweringAManageToken())));
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var answer = await client.PostAsync($"/book?clinic=4&date={date:yyyy-MM-dd}&lang=sv", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.RequestId"] = Guid.NewGuid().ToString(),
            ["Form.Start"] = start.ToString("O"),
            ["Form.Name"] = "Astrid Lindgren",
            ["Form.Email"] = BookingApiDriver.NewPatientEmail(),
            ["Form.Consent"] = "true",
        }));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!.OriginalString;
        Assert.Matches($"^/bookings/[0-9a-f-]{{36}}\\?lang=sv&token={ManageContractStub.Token}$", location);
        var bookingId = location[10..46];
        using var confirmation = await client.GetAsync(location);
        Assert.Equal("no-referrer", confirmation.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(confirmation.Headers.CacheControl!.NoStore);
        var page = await ParseAsync(confirmation);
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")!.GetAttribute("content"));
        var link = page.QuerySelector("#manage-link")!;
        Assert.Equal("Ändra eller avboka tiden", link.TextContent.Trim());
        // The confirmation email's link has the same shape.
        Assert.Equal($"/bookings/{bookingId}/manage?token={ManageContractStub.Token}&lang=sv", link.GetAttribute("href"));

        // Without the token, as the emails' booking link opens it, the page offers no change.
        var withoutToken = await GetPageAsync(client, $"/bookings/{bookingId}?lang=sv");
        Assert.Null(withoutToken.QuerySelector("#manage-link"));
    }

    private WebApplicationFactory<BookingApiClient> WebWith(ManageContractStub stub) =>
        system.Web.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new ManageContractStub.Handler(stub))));

    /// <summary>An appointment at Tooth Fairy Dentist (one dentist) on a real free slot, so the day's grid is BookingApi's own.</summary>
    private async Task<ManageContractStub> NewStubAsync(DateTimeOffset? changeableUntil = null, TimeSpan? movesStartAfterTheAppointment = null)
    {
        var (_, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 5);
        var movesStartAfter = movesStartAfterTheAppointment is { } after ? start + after : DateTimeOffset.UtcNow.AddHours(24);
        return new ManageContractStub(start, changeableUntil ?? start.AddHours(-24), ClinicPhone, movesStartAfter);
    }

    /// <summary>The real BookingApi, whose answer to a booking request carries a manage token as the contract has it.</summary>
    private sealed class BookingApiAnsweringAManageToken : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Post || request.RequestUri!.AbsolutePath != "/api/bookings" || response.StatusCode != HttpStatusCode.Created)
            {
                return response;
            }

            var booking = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(cancellationToken))!;
            booking["manageToken"] = ManageContractStub.Token;
            response.Content = JsonContent.Create(booking);
            return response;
        }
    }
}

/// <summary>
/// BookingApi's manage endpoints as the contract describes them (GET manage, POST cancellation, POST move, bearer
/// token, 404 alike for an unknown booking and a wrong token, 409 with a reasonCode), for one booking.
/// </summary>
public sealed class ManageContractStub(DateTimeOffset start, DateTimeOffset changeableUntil, string clinicPhone, DateTimeOffset movesStartAfter)
{
    public const string Token = "dGhpcy1pcy1hLXRlc3QtbWFuYWdlLXRva2VuLTMyYnk";
    public const string OtherToken = "b3RoZXItdG9rZW4tb2YtdGhlLXNhbWUtbGVuZ3RoLTM";

    private string? _refusal;
    private int _changes;

    public Guid BookingId { get; } = Guid.CreateVersion7();

    public DateTimeOffset OriginalStart { get; } = start;

    public BookingResponse Booking { get; private set; } = new(
        Guid.Empty, Guid.NewGuid(), BookingResponse.ConfirmedStatus, null, null, "DEN-TEST", 2, "Tooth Fairy Dentist",
        start, start.AddMinutes(30), ClinicTime.ToLocal(start), "en");

    /// <summary>Changes asked of BookingApi with the right token, refused or not.</summary>
    public int Changes => _changes;

    public ConcurrentQueue<string> ChangesAsked { get; } = new();

    public ConcurrentQueue<(Uri Uri, string? Authorization)> Requests { get; } = new();

    public string ManageLink(string language) => $"/bookings/{BookingId}/manage?token={Token}&lang={language}";

    /// <summary>Every change from now on is answered 409 with <paramref name="reasonCode"/>.</summary>
    public void Refuse(string reasonCode) => _refusal = reasonCode;

    private async Task<HttpResponseMessage?> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/bookings/", StringComparison.Ordinal) || path.Split('/') is not [_, _, _, var id, var action])
        {
            return null;
        }

        Requests.Enqueue((request.RequestUri, request.Headers.Authorization?.ToString()));
        if (id != BookingId.ToString() || request.Headers.Authorization is not { Scheme: "Bearer", Parameter: Token })
        {
            return Problem(HttpStatusCode.NotFound, new { title = "Not Found", status = 404 });
        }

        var booking = Booking with { Id = BookingId };
        switch (request.Method.Method, action)
        {
            case ("GET", "manage"):
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new ManagedBookingResponse(booking, changeableUntil, clinicPhone, movesStartAfter), options: JsonSerializerOptions.Web) };
            case ("POST", "cancellation" or "move"):
                Interlocked.Increment(ref _changes);
                ChangesAsked.Enqueue($"POST /{action}");
                if (_refusal is { } code)
                {
                    return Problem(HttpStatusCode.Conflict, new { title = "Conflict", status = 409, detail = "Refused.", reasonCode = code });
                }

                if (action == "cancellation")
                {
                    Booking = Booking with { Status = BookingResponse.CancelledStatus };
                }
                else
                {
                    var move = await request.Content!.ReadFromJsonAsync<MoveBookingRequest>(JsonSerializerOptions.Web, cancellationToken);
                    var newStart = DateTimeOffset.Parse(move!.Start!, System.Globalization.CultureInfo.InvariantCulture);
                    Booking = Booking with { Start = newStart, End = newStart.AddMinutes(30), LocalStart = ClinicTime.ToLocal(newStart) };
                }

                return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(Booking with { Id = BookingId }, options: JsonSerializerOptions.Web) };
            default:
                return Problem(HttpStatusCode.NotFound, new { title = "Not Found", status = 404 });
        }
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, object problem) =>
        new(status) { Content = JsonContent.Create(problem, mediaType: new("application/problem+json")) };

    /// <summary>Answers the manage contract's calls; every other call goes on to the real BookingApi.</summary>
    public sealed class Handler(ManageContractStub stub) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            await stub.AnswerAsync(request, cancellationToken) ?? await base.SendAsync(request, cancellationToken);
    }
}
