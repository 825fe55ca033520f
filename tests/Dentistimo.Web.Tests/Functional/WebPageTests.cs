using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using Dentistimo.Testing;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>The patient web app's pages as HTML, against a real BookingApi: the R1.6 gate, the form's validation, both languages.</summary>
public sealed class WebPageTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    private static DateOnly Today => ClinicTime.LocalDate(DateTimeOffset.UtcNow);

    [Theory]
    [InlineData("/book", "choose", "Choose a clinic and a date first")]
    [InlineData("/book?clinic=1", "choose", "Choose a clinic and a date first")]
    [InlineData("/book?date={future}", "choose", "Choose a clinic and a date first")]
    [InlineData("/book?clinic=99&date={future}", "no-such-clinic", "There is no such clinic")]
    [InlineData("/book?clinic=99&date={future}&lang=sv", "no-such-clinic", "Det finns ingen sådan klinik")]
    [InlineData("/book?clinic=abc&date={future}", "no-such-clinic", "There is no such clinic")]
    [InlineData("/book?clinic=1&date={past}", "day-passed", "That day has passed")]
    [InlineData("/book?clinic=1&date={far}", "beyond-booking-window", "We book at most 90 days ahead")]
    [InlineData("/book?clinic=1&date=31-12-2026", "not-a-date", "not a date in the calendar")]
    [InlineData("/book?clinic=1&date=2026-13-45", "not-a-date", "not a date in the calendar")]
    public async Task A_booking_page_address_without_a_valid_clinic_and_date_sends_the_patient_home_saying_why(string address, string notice, string message)
    {
        var url = address.Replace("{future}", Iso(Today.AddDays(3))).Replace("{past}", Iso(Today.AddDays(-1))).Replace("{far}", Iso(Today.AddDays(200)));
        using var noRedirects = system.Web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await noRedirects.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"/?notice={notice}", response.Headers.Location!.OriginalString);
        var home = await GetPageAsync(system.Web.CreateClient(), response.Headers.Location.OriginalString);
        Assert.Contains(message, home.QuerySelector("#choose-notice")!.TextContent);
    }

    [Fact]
    public async Task The_home_page_gates_the_way_to_booking_and_its_date_picker_starts_today_and_marks_closed_days()
    {
        var home = await GetPageAsync(system.Web.CreateClient(), "/?clinic=1");

        var form = (IHtmlFormElement)home.QuerySelector("#choose-form")!;
        Assert.Equal("/book", form.GetAttribute("action"));
        var days = home.QuerySelectorAll("input[name=date]").Select(input => DateOnly.Parse(input.GetAttribute("value")!)).ToList();
        Assert.Equal(Today, days[0]);
        Assert.Equal(90, days.Count);
        // Your Dentist (clinic 1) is closed at weekends.
        var saturday = days.First(day => day.DayOfWeek == DayOfWeek.Saturday);
        var saturdayCell = home.QuerySelector($".day[data-date='{Iso(saturday)}']")!;
        Assert.Contains("day--closed", saturdayCell.ClassList);
        Assert.True(saturdayCell.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Equal("Closed", saturdayCell.QuerySelector(".day-state")!.TextContent.Trim());
        Assert.NotNull(home.QuerySelector("#clinic-1[checked]"));
        Assert.Contains("3 dentists", home.QuerySelector("[data-overview-for='1']")!.TextContent);
    }

    [Fact]
    public async Task Without_scripts_a_home_page_with_a_clinic_and_a_date_chosen_says_what_comes_next_not_to_choose_them()
    {
        var client = system.Web.CreateClient();
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 4);

        var chosen = await GetPageAsync(client, $"/?clinic=2&date={Iso(date)}&lang=en");
        var neither = await GetPageAsync(client, "/?lang=en");

        Assert.Equal($"Next: choose a time at Tooth Fairy Dentist on {DisplayTexts.LongDate(date)}.", chosen.QuerySelector("#continue-hint")!.TextContent.Trim());
        Assert.Equal("Choose a clinic and a date first.", neither.QuerySelector("#continue-hint")!.TextContent.Trim());
    }

    [Theory]
    [InlineData(30)]
    [InlineData(120)]
    public async Task The_date_picker_and_the_booking_page_follow_BookingApi_s_horizon(int horizonDays)
    {
        await using var bookingApi = new BookingApiFactory(system.Resources, new Dictionary<string, string?>
        {
            ["Booking:HorizonDays"] = horizonDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var bookingApiAddress = await bookingApi.StartedOnKestrelAsync();
        await using var web = new WebFactory(bookingApiAddress, system.Resources.Messaging, WebSystemFixture.WithoutPerClientLimit);
        using var noRedirects = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // BookingApi states its horizon, and the OpenAPI document describes the answer.
        using var bookingApiHttp = new HttpClient { BaseAddress = bookingApiAddress };
        Assert.Equal($"{{\"horizonDays\":{horizonDays}}}", await bookingApiHttp.GetStringAsync("/api/booking-window"));
        Assert.Contains("/api/booking-window", await bookingApiHttp.GetStringAsync("/openapi/v1.json"));

        var home = await GetPageAsync(noRedirects, "/?clinic=1");
        var days = home.QuerySelectorAll("input[name=date]").Select(input => DateOnly.Parse(input.GetAttribute("value")!)).ToList();
        Assert.Equal(Today, days[0]);
        Assert.Equal(Today.AddDays(horizonDays - 1), days[^1]);
        Assert.Equal(horizonDays, days.Count);
        // BookingApi answers the whole window in one range, longer than a quarter too: no day is left unknown.
        Assert.Empty(home.QuerySelectorAll(".day--unknown"));

        // The last working day within the horizon can be booked; the next day is as any other day that cannot be.
        var lastWeekday = Enumerable.Range(0, 14).Select(back => Today.AddDays(horizonDays - 1 - back))
            .First(day => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !SwedishPublicHolidays.IsHoliday(day));
        using var within = await noRedirects.GetAsync($"/book?clinic=1&date={Iso(lastWeekday)}");
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.NotEmpty((await ParseAsync(within)).QuerySelectorAll(".slot--available"));
        using var beyond = await noRedirects.GetAsync($"/book?clinic=1&date={Iso(Today.AddDays(horizonDays))}");
        Assert.Equal(HttpStatusCode.Redirect, beyond.StatusCode);
        Assert.StartsWith("/?notice=beyond-booking-window&clinic=1&", beyond.Headers.Location!.OriginalString);
        Assert.DoesNotContain("date=", beyond.Headers.Location.OriginalString);
        var told = await GetPageAsync(noRedirects, beyond.Headers.Location.OriginalString);
        Assert.Contains($"We book at most {horizonDays} days ahead", told.QuerySelector("#choose-notice")!.TextContent);
    }

    [Fact]
    public async Task The_booking_page_shows_the_days_slots_with_their_state_in_words()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2);

        var page = await GetPageAsync(system.Web.CreateClient(), $"/book?clinic=2&date={Iso(date)}");

        Assert.Contains("Tooth Fairy Dentist", page.QuerySelector("h1")!.TextContent);
        var slot = page.QuerySelectorAll(".slot").Single(s => DateTimeOffset.Parse(s.GetAttribute("data-start")!) == start);
        Assert.Contains("slot--available", slot.ClassList);
        Assert.Equal("1 of 1 free", slot.QuerySelector(".slot-state")!.TextContent.Trim());
        Assert.Equal("true", page.QuerySelector(".shape")!.GetAttribute("aria-hidden"));
        // Nothing secret per visitor, so one rendering serves a crowd from the output cache. Its request id serves a form
        // sent without scripts; a new page, not an answer to a form, is one book.js gives an id of its own.
        Assert.Null(page.QuerySelector("input[name=__RequestVerificationToken]"));
        var requestId = (IHtmlInputElement)page.QuerySelector("input[name='Form.RequestId']")!;
        Assert.True(Guid.TryParse(requestId.Value, out _));
        Assert.Equal("false", page.QuerySelector("#booking-form")!.GetAttribute("data-answer"));
        // A browser restoring the form on reload would otherwise bring back the id of a request already answered.
        Assert.Equal("off", requestId.GetAttribute("autocomplete"));
        Assert.Empty(page.QuerySelectorAll("[aria-invalid]"));
    }

    [Theory]
    [InlineData("en", "Choose a free time.", "Enter your name.", "Enter your email address.", "Tick the box to let us store your details for this booking.")]
    [InlineData("sv", "Välj en ledig tid.", "Skriv ditt namn.", "Skriv din e-postadress.", "Kryssa i rutan så att vi får spara dina uppgifter för bokningen.")]
    public async Task An_incomplete_form_gets_each_message_beside_its_field(string language, string start, string name, string email, string consent)
    {
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 1);
        var client = system.Web.CreateClient();
        var form = await GetPageAsync(client, $"/book?clinic=1&date={Iso(date)}&lang={language}");

        var answer = await PostFormAsync(client, form, new() { ["Form.Phone"] = "12" });

        Assert.Equal(language, answer.DocumentElement.GetAttribute("lang"));
        Assert.Equal(start, MessageFor(answer, "Form.Start"));
        Assert.Equal(name, MessageFor(answer, "Form.Name"));
        Assert.Equal(email, MessageFor(answer, "Form.Email"));
        Assert.Equal(consent, MessageFor(answer, "Form.Consent"));
        Assert.StartsWith(language == "sv" ? "Skriv ett telefonnummer" : "Enter a phone number", MessageFor(answer, "Form.Phone"));
        // The client-side rules are rendered from the same attributes, in the same language.
        Assert.Equal(name, answer.QuerySelector("#Form_Name")!.GetAttribute("data-val-required"));
        // Each field in error says so to assistive technology too, the time's choices and the consent box included.
        Assert.All(["#Form_Name", "#Form_Email", "#Form_Phone", "#Form_Consent", "input[name='Form.Start']"],
            field => Assert.Equal("true", answer.QuerySelector(field)!.GetAttribute("aria-invalid")));
    }

    [Fact]
    public async Task A_valid_form_books_and_shows_the_confirmation_and_resubmitting_it_does_not_book_twice()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1);
        var client = system.Web.CreateClient();
        var form = await GetPageAsync(client, $"/book?clinic=1&date={Iso(date)}");
        var fields = ValidFields(start);

        var confirmation = await PostFormAsync(client, form, fields);
        var resubmitted = await PostFormAsync(client, form, fields);

        Assert.Matches("^/bookings/[0-9a-f-]{36}$", confirmation.Location.PathName);
        Assert.Equal(confirmation.Location.PathName, resubmitted.Location.PathName);
        Assert.Contains("Your booking is confirmed", confirmation.QuerySelector("h1")!.TextContent);
        Assert.False(string.IsNullOrWhiteSpace(confirmation.QuerySelector("#reference")!.TextContent));
        Assert.Contains("A confirmation email is on its way", confirmation.QuerySelector("#confirmation")!.TextContent);
        // Where and until when: the clinic's address, and the appointment's end as well as its start, in Stockholm time.
        Assert.Equal("Spannmålsgatan 20", confirmation.QuerySelector("#clinic-address")!.TextContent);
        var localStart = ClinicTime.ToLocal(start);
        Assert.Contains($"{localStart:HH:mm}–{localStart.AddMinutes(30):HH:mm}", confirmation.QuerySelector("#confirmation")!.TextContent);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(1, date, start))["booked"]!);
    }

    [Fact]
    public async Task No_other_site_may_frame_a_page_and_a_booking_s_page_is_kept_by_no_cache()
    {
        var (_, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 13);
        var (status, body) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 4, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
        var client = system.Web.CreateClient();

        using var home = await client.GetAsync("/");
        using var booking = await client.GetAsync($"/bookings/{(string)body["id"]!}");

        foreach (var page in new[] { home, booking })
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var contentSecurityPolicy = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", contentSecurityPolicy.Split("; "));
            Assert.Equal(Dentistimo.Web.Infrastructure.SecurityHeaders.ContentSecurityPolicy(new()), contentSecurityPolicy);
            Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        }

        Assert.True(booking.Headers.CacheControl!.NoStore);
        Assert.Equal("noindex", booking.Headers.GetValues("X-Robots-Tag").Single());
    }

    [Fact]
    public async Task A_day_with_every_time_booked_says_so_and_offers_another_date()
    {
        // Tooth Fairy Dentist has one dentist: one booking fills a time.
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 27);
        var free = await system.Api.AvailableStartsAsync(2, date);
        foreach (var start in free)
        {
            var (status, _) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, BookingApiDriver.NewPatientEmail()));
            Assert.Equal(201, status);
        }

        var page = await GetPageAsync(system.Web.CreateClient(), $"/book?clinic=2&date={Iso(date)}&lang=sv");

        var notice = page.QuerySelector("#no-free-times")!;
        Assert.StartsWith("Inga tider är lediga den här dagen.", notice.TextContent);
        Assert.Equal("/?clinic=2&lang=sv", notice.QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("en", "No times left", "No times are left today.")]
    [InlineData("sv", "Inga tider kvar", "Inga tider finns kvar i dag.")]
    public async Task Today_after_its_last_time_says_no_times_are_left_rather_than_closed(string language, string dayText, string bookPageText)
    {
        // The next day Your Dentist (clinic 1) is open, at 23:30, by BookingApi's clock and the web's.
        var today = Today;
        while ((bool)(await system.Api.GetDayAsync(1, today))["closed"]!)
        {
            today = today.AddDays(1);
        }

        var halfPastEleven = today.ToDateTime(new TimeOnly(23, 30));
        var lateEvening = new ClockFrom(new DateTimeOffset(halfPastEleven, ClinicTime.Zone.GetUtcOffset(halfPastEleven)));
        await using var bookingApi = new BookingApiFactory(
            system.Resources, new Dictionary<string, string?> { ["Booking:CacheKeyPrefix"] = $"late-evening-{Guid.NewGuid():N}:" }, lateEvening);
        await using var web = new WebFactory(await bookingApi.StartedOnKestrelAsync(), system.Resources.Messaging)
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(lateEvening)));
        var client = web.CreateClient();

        var home = await GetPageAsync(client, $"/?clinic=1&lang={language}");
        var bookPage = await GetPageAsync(client, $"/book?clinic=1&date={Iso(today)}&lang={language}");

        var cell = home.QuerySelector($".day[data-date='{Iso(today)}']")!;
        Assert.Contains("day--over", cell.ClassList);
        Assert.True(cell.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Equal(dayText, cell.QuerySelector(".day-state")!.TextContent.Trim());
        Assert.StartsWith(bookPageText, bookPage.QuerySelector("#no-free-times")!.TextContent);
    }

    [Fact]
    public async Task Without_scripts_a_form_sent_twice_is_still_one_booking_request()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 11);
        var client = system.Web.CreateClient(new() { AllowAutoRedirect = false });
        var address = $"/book?clinic=4&date={Iso(date)}";
        var form = await FormWithoutScriptsAsync(client, address, ValidFields(start));

        using var first = await client.PostAsync(address, new FormUrlEncodedContent(form));
        using var second = await client.PostAsync(address, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location!.OriginalString.Split('?')[0], second.Headers.Location!.OriginalString.Split('?')[0]);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(4, date, start))["booked"]!);
        // The second answer shows the booking without the key to change it, which only the first answer and the
        // confirmation email carry.
        Assert.Contains("token=", first.Headers.Location.OriginalString);
        Assert.DoesNotContain("token=", second.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task Without_scripts_a_patient_turned_away_from_a_full_time_is_booked_by_a_new_form_once_a_seat_is_freed()
    {
        // Tooth Fairy Dentist (clinic 2) has one dentist: another patient's booking fills the time.
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 23);
        var (status, other) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
        var client = system.Web.CreateClient(new() { AllowAutoRedirect = false });
        var address = $"/book?clinic=2&date={Iso(date)}";
        var typed = ValidFields(start);
        using var turnedAway = await client.PostAsync(address, new FormUrlEncodedContent(await FormWithoutScriptsAsync(client, address, typed)));
        using var cancellation = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{other["id"]}/cancellation");
        cancellation.Headers.Authorization = new("Bearer", (string)other["manageToken"]!);
        using var cancelled = await system.Api.Http.SendAsync(cancellation);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        // The same details in a new form: a new request, not the one already turned away.
        using var booked = await client.PostAsync(address, new FormUrlEncodedContent(await FormWithoutScriptsAsync(client, address, typed)));

        Assert.Equal(HttpStatusCode.OK, turnedAway.StatusCode);
        Assert.NotNull((await ParseAsync(turnedAway)).QuerySelector("#rejection"));
        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        Assert.Contains("token=", booked.Headers.Location!.OriginalString);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(2, date, start))["booked"]!);
    }

    [Fact]
    public async Task Without_scripts_a_form_whose_id_another_patient_sent_first_comes_back_with_the_time_kept_and_books_when_sent_again()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 26);
        var client = system.Web.CreateClient(new() { AllowAutoRedirect = false });
        var address = $"/book?clinic=4&date={Iso(date)}";
        var first = await FormWithoutScriptsAsync(client, address, ValidFields(start));
        // A second patient served the same cached copy of the page: the same rendered request id, other details.
        var second = new Dictionary<string, string>(first) { ["Form.Name"] = "Selma Lagerlöf", ["Form.Email"] = BookingApiDriver.NewPatientEmail() };
        using var booked = await client.PostAsync(address, new FormUrlEncodedContent(first));

        using var clash = await client.PostAsync(address, new FormUrlEncodedContent(second));

        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, clash.StatusCode);
        var page = await ParseAsync(clash);
        Assert.Contains("Nothing was booked yet", page.QuerySelector("#form-errors")!.TextContent);
        Assert.Equal(start, DateTimeOffset.Parse(((IHtmlInputElement)page.QuerySelector("input[name='Form.Start']:checked")!).Value, CultureInfo.InvariantCulture));
        var resent = page.QuerySelectorAll("#booking-form input").Cast<IHtmlInputElement>()
            .Where(input => input.Type != "radio" || input.IsChecked)
            .Where(input => !string.IsNullOrEmpty(input.Name))
            .ToDictionary(input => input.Name!, input => input.Type == "checkbox" ? (input.IsChecked ? "true" : "false") : input.Value);
        Assert.NotEqual(second["Form.RequestId"], resent["Form.RequestId"]);

        using var bookedToo = await client.PostAsync(address, new FormUrlEncodedContent(resent));

        Assert.Equal(HttpStatusCode.Redirect, bookedToo.StatusCode);
        Assert.Equal(2, (int)(await system.Api.GetSlotAsync(4, date, start))["booked"]!);
    }

    [Fact]
    public async Task A_form_made_by_hand_without_a_request_id_is_booked()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 24);
        var client = system.Web.CreateClient(new() { AllowAutoRedirect = false });

        using var answer = await client.PostAsync($"/book?clinic=4&date={Iso(date)}", new FormUrlEncodedContent(ValidFields(start)));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains("token=", answer.Headers.Location!.OriginalString);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(4, date, start))["booked"]!);
    }

    [Fact]
    public async Task A_rejected_booking_says_why_and_offers_the_other_free_times_that_day()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 3);
        var client = system.Web.CreateClient();
        var fields = ValidFields(start);
        await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=3&date={Iso(date)}"), fields);

        var answer = await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=3&date={Iso(date)}"), fields);

        var rejection = answer.QuerySelector("#rejection")!;
        // Whether an address holds an appointment is its owner's to learn, by email; the page only points there.
        Assert.Contains("We have sent the details to the email address you gave.", rejection.TextContent);
        Assert.DoesNotContain("already", rejection.TextContent, StringComparison.OrdinalIgnoreCase);
        var alternatives = rejection.QuerySelectorAll("p").Single(paragraph => paragraph.TextContent.StartsWith("Other free times that day:", StringComparison.Ordinal));
        // The clinic has another dentist free then, but the patient already holds that time: it is no alternative.
        Assert.DoesNotContain(ClinicTime.ToLocal(start).ToString("HH:mm", CultureInfo.InvariantCulture), alternatives.TextContent);
        Assert.Equal(fields["Form.Email"], ((IHtmlInputElement)answer.QuerySelector("#Form_Email")!).Value);
    }

    [Fact]
    public async Task The_form_and_the_booking_s_page_tell_whoever_typed_an_address_nothing_about_its_other_appointments()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 33);
        var (_, elsewhere) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 34);
        var held = (await system.Api.AvailableStartsAsync(1, date))[1];
        // Someone else's address: one appointment at the time asked for, and one more, which reaches the limit of two.
        var victim = BookingApiDriver.NewPatientEmail();
        Assert.Equal(201, (await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, held, victim))).Status);
        var client = system.Web.CreateClient();
        var atTheirTime = ValidFields(held);
        atTheirTime["Form.Email"] = victim.ToUpperInvariant();

        var sameTime = await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=1&date={Iso(date)}&lang=en"), atTheirTime);
        var sameTimeText = sameTime.QuerySelector("#rejection")!.TextContent;
        Assert.Contains("We have sent the details to the email address you gave.", sameTimeText);
        Assert.DoesNotContain("already", sameTimeText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(201, (await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 4, elsewhere, victim))).Status);
        var overTheLimit = ValidFields(start);
        overTheLimit["Form.Email"] = victim;
        var limit = await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=1&date={Iso(date)}&lang=sv"), overTheLimit);

        var limitText = limit.QuerySelector("#rejection")!.TextContent;
        Assert.Contains("Vi har skickat mer information till e-postadressen du angav.", limitText);
        Assert.DoesNotContain("redan", limitText, StringComparison.OrdinalIgnoreCase);

        // The rejection's own page, where the email links to, says no more.
        var rejected = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, start, victim));
        Assert.Equal("patient-limit-reached", (string?)rejected.Body["reasonCode"]);
        var page = await GetPageAsync(client, $"/bookings/{rejected.Body["booking"]!["id"]}?lang=en");
        Assert.Contains("We have sent the details to the email address you gave.", page.QuerySelector("#rejection")!.TextContent);
        Assert.DoesNotContain("already", page.QuerySelector("#rejection")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("upcoming", page.Body!.TextContent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_rejection_s_page_offers_another_time_that_day_only_when_that_day_can_still_be_booked()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 3);
        var email = BookingApiDriver.NewPatientEmail();
        await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, start, email));
        var sameDay = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, start, email));
        var past = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, new DateTimeOffset(2020, 1, 7, 9, 0, 0, TimeSpan.FromHours(1)), email));
        Assert.Equal(("patient-already-booked", "outside-booking-window"), ((string?)sameDay.Body["reasonCode"], (string?)past.Body["reasonCode"]));
        var client = system.Web.CreateClient();

        var sameDayPage = await GetPageAsync(client, $"/bookings/{sameDay.Body["booking"]!["id"]}?lang=en");
        var pastPage = await GetPageAsync(client, $"/bookings/{past.Body["booking"]!["id"]}?lang=en");

        Assert.Equal($"/book?clinic=3&date={Iso(date)}&lang=en", sameDayPage.QuerySelector("#choose-another-time")!.GetAttribute("href"));
        // The booking page would only send the patient home to choose a clinic and a date first.
        Assert.Null(pastPage.QuerySelector("#choose-another-time"));
        Assert.Equal("/?clinic=3&lang=en", pastPage.QuerySelector("#choose-another-date")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Fields_BookingApi_refuses_get_the_form_s_own_messages_in_the_patient_s_language_never_BookingApi_s_wording()
    {
        await using var web = system.Web.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient<BookingApiClient>().AddHttpMessageHandler(() => new BookingApiRefusingEveryBooking(new()
            {
                ["start"] = ["The time must be an ISO 8601 instant with its offset, such as 2026-11-23T09:00:00+01:00 or 2026-11-23T08:00:00Z."],
                ["patient.email"] = ["Enter an email address such as name@example.com."],
                ["language"] = ["The language must be \"sv\" or \"en\"."],
            }))));
        var client = web.CreateClient();
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1);

        var answer = await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=1&date={Iso(date)}&lang=sv"), ValidFields(start));

        Assert.Equal("Välj en ledig tid.", MessageFor(answer, "Form.Start"));
        Assert.Equal("Skriv en e-postadress, till exempel namn@exempel.se.", MessageFor(answer, "Form.Email"));
        Assert.Equal("Något gick fel med formuläret. Försök igen.", answer.QuerySelector("#form-errors")!.TextContent.Trim());
        Assert.DoesNotContain("ISO 8601", answer.Body!.TextContent);
        Assert.DoesNotContain("The language must be", answer.Body!.TextContent);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://attacker.example")]
    public async Task A_booking_form_posted_from_another_site_is_refused_and_books_nothing(string header, string value)
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 9);
        var fields = ValidFields(start);
        fields["Form.RequestId"] = Guid.NewGuid().ToString();
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/book?clinic=1&date={Iso(date)}") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add(header, value);

        using var response = await system.Web.CreateClient().SendAsync(post);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(1, date, start))["booked"]!);
    }

    [Fact]
    public async Task A_booking_form_posted_from_the_site_itself_is_accepted()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 10);
        var client = system.Web.CreateClient();
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
        client.DefaultRequestHeaders.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));

        var confirmation = await PostFormAsync(client, await GetPageAsync(client, $"/book?clinic=2&date={Iso(date)}"), ValidFields(start));

        Assert.Contains("Your booking is confirmed", confirmation.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task A_client_sending_many_booking_requests_is_asked_to_wait_and_keeps_what_it_typed()
    {
        await using var web = new WebFactory(system.BookingApiAddress, system.Resources.Messaging, new Dictionary<string, string?>
        {
            ["BookingAttempts:BurstPerClient"] = "2",
            ["BookingAttempts:PerClientPerMinute"] = "1",
        });
        var client = web.CreateClient(new() { AllowAutoRedirect = false });
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 3, daysAhead: 14);
        var starts = (await system.Api.AvailableStartsAsync(3, date)).Take(3).ToList();

        var answers = new List<HttpResponseMessage>();
        foreach (var start in starts)
        {
            answers.Add(await client.PostAsync($"/book?clinic=3&date={Iso(date)}", new FormUrlEncodedContent(ValidFields(start))));
        }

        var invalid = ValidFields(starts[2]);
        invalid["Form.Email"] = "not an email";
        using var invalidAnswer = await client.PostAsync($"/book?clinic=3&date={Iso(date)}", new FormUrlEncodedContent(invalid));

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], answers.Select(answer => answer.StatusCode));
        var limited = await ParseAsync(answers[2]);
        Assert.InRange(int.Parse(answers[2].Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Contains("You have sent many booking requests in a short time. Please try again in", limited.QuerySelector("#form-errors")!.TextContent);
        Assert.Equal("Astrid Lindgren", ((IHtmlInputElement)limited.QuerySelector("#Form_Name")!).Value);
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(3, date, starts[2]))["booked"]!);
        // A form with a mistake is answered with its field's message, limit or not.
        Assert.Equal(HttpStatusCode.OK, invalidAnswer.StatusCode);
        Assert.NotEmpty(MessageFor(await ParseAsync(invalidAnswer), "Form.Email"));
        answers.ForEach(answer => answer.Dispose());
    }

    [Fact]
    public async Task A_booking_request_turned_away_by_BookingApi_s_limits_is_answered_429_and_keeps_what_was_typed()
    {
        await using var bookingApi = new BookingApiFactory(system.Resources, new Dictionary<string, string?>
        {
            ["RateLimits:BookingBurstPerClient"] = "1",
            ["RateLimits:BookingsPerSecondPerClient"] = "1",
        });
        await using var web = new WebFactory(await bookingApi.StartedOnKestrelAsync(), system.Resources.Messaging, WebSystemFixture.WithoutPerClientLimit);
        var client = web.CreateClient(new() { AllowAutoRedirect = false });
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 15);
        var starts = (await system.Api.AvailableStartsAsync(4, date)).Take(5).ToList();

        // One request a second for the web's address, and the bucket refills on a timer: of five sent at once, all but
        // the first and at most one more are turned away.
        var answers = new List<HttpResponseMessage>();
        foreach (var start in starts)
        {
            answers.Add(await client.PostAsync($"/book?clinic=4&date={Iso(date)}", new FormUrlEncodedContent(ValidFields(start))));
        }

        Assert.Equal(HttpStatusCode.Redirect, answers[0].StatusCode);
        var turnedAway = answers.FindIndex(answer => answer.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.InRange(turnedAway, 1, 2);
        Assert.InRange(int.Parse(answers[turnedAway].Headers.GetValues("Retry-After").Single()), 1, 60);
        var page = await ParseAsync(answers[turnedAway]);
        Assert.Contains("Many people are booking right now. Please try again in", page.QuerySelector("#form-errors")!.TextContent);
        Assert.Equal("Astrid Lindgren", ((IHtmlInputElement)page.QuerySelector("#Form_Name")!).Value);
        Assert.Equal(starts[turnedAway], DateTimeOffset.Parse(page.QuerySelector("input[name='Form.Start'][checked]")!.GetAttribute("value")!));
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(4, date, starts[turnedAway]))["booked"]!);
        answers.ForEach(answer => answer.Dispose());
    }

    [Fact]
    public async Task A_booking_form_sent_while_BookingApi_is_down_comes_back_with_what_was_typed()
    {
        var bookingApi = new BookingApiFactory(system.Resources);
        await using var web = new WebFactory(await bookingApi.StartedOnKestrelAsync(), system.Resources.Messaging, WebSystemFixture.WithoutPerClientLimit);
        var client = web.CreateClient();
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 17);
        var page = await GetPageAsync(client, $"/book?clinic=4&date={Iso(date)}");

        await bookingApi.DisposeAsync();
        await Task.Delay(BookingApiClient.DayCacheDuration); // so that the form's page asks BookingApi for the day again
        var fields = ValidFields(start);
        fields["Form.RequestId"] = Guid.NewGuid().ToString();
        using var answer = await client.PostAsync(page.Url, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var form = await ParseAsync(answer);
        Assert.Contains("We could not reach the booking service", form.QuerySelector("#form-errors")!.TextContent);
        Assert.Equal(fields["Form.Email"], ((IHtmlInputElement)form.QuerySelector("#Form_Email")!).Value);
        Assert.Equal(fields["Form.RequestId"], ((IHtmlInputElement)form.QuerySelector("input[name='Form.RequestId']")!).Value);
        Assert.Equal("true", form.QuerySelector("#booking-form")!.GetAttribute("data-answer")); // so book.js keeps the id
        Assert.NotEmpty(form.QuerySelectorAll(".slot"));
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(4, date, start))["booked"]!);
    }

    [Theory]
    [InlineData("/?lang=sv", null, "Boka tandläkare i Göteborg")]
    [InlineData("/", "sv-SE,sv;q=0.9,en;q=0.5", "Boka tandläkare i Göteborg")]
    [InlineData("/?lang=en", "sv-SE", "Book a dentist in Gothenburg")]
    public async Task The_site_speaks_Swedish_or_English(string address, string? acceptLanguage, string heading)
    {
        var client = system.Web.CreateClient();
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var page = await GetPageAsync(client, address);

        Assert.Equal(heading, page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(heading.StartsWith("Boka") ? "sv" : "en", page.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(page.QuerySelector(".language-switch a[aria-current=true]"));
    }

    [Fact]
    public async Task The_texts_the_home_page_s_script_shows_are_in_Swedish_on_the_Swedish_site_with_one_free_time_in_the_singular()
    {
        var home = await GetPageAsync(system.Web.CreateClient(), "/?lang=sv");

        var map = home.QuerySelector("#map")!;
        Assert.Equal("Zooma in", map.GetAttribute("data-text-zoom-in"));
        Assert.Equal("Zooma ut", map.GetAttribute("data-text-zoom-out"));
        Assert.Equal("1 ledig", home.QuerySelector("#calendar")!.GetAttribute("data-text-one-free"));
        Assert.Equal("{0} lediga", home.QuerySelector("#calendar")!.GetAttribute("data-text-free"));
    }

    [Fact]
    public async Task A_missing_page_answers_404_in_the_language_asked_for_and_its_language_switch_links_to_the_same_address()
    {
        using var response = await system.Web.CreateClient().GetAsync("/no-such-page?lang=sv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await ParseAsync(response);
        Assert.Equal("sv", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Sidan finns inte", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("/no-such-page?lang=en", page.QuerySelector(".language-switch a[hreflang=en]")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("/Error")]
    [InlineData("/Error?statusCode=503")]
    public async Task The_error_page_asked_for_directly_is_a_missing_page_not_an_error_answered_200(string address)
    {
        using var response = await system.Web.CreateClient().GetAsync(address);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", (await ParseAsync(response)).QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_home_page_is_rendered_once_for_many_views_yet_each_visitor_gets_their_own_language()
    {
        var swedish = system.Web.CreateClient();
        swedish.DefaultRequestHeaders.AcceptLanguage.ParseAdd("sv-SE");
        var english = system.Web.CreateClient();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        var address = $"/?clinic=2&view={Guid.NewGuid():N}"; // a query no other test has put in the cache

        using var first = await swedish.GetAsync(address);
        using var again = await swedish.GetAsync(address);
        var inEnglish = await GetPageAsync(english, address);

        // The output cache marks what it serves with an Age header; a freshly rendered page has none.
        Assert.Null(first.Headers.Age);
        Assert.NotNull(again.Headers.Age);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("Book a dentist in Gothenburg", inEnglish.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task Cached_pages_are_compressed_for_browsers_that_accept_it_and_answers_to_a_form_never_are()
    {
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 1);
        var client = system.Web.CreateClient();
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");

        using var home = await client.GetAsync($"/?view={Guid.NewGuid():N}");
        using var cachedHome = await client.GetAsync("/?view=plain");
        using var plainHome = await system.Web.CreateClient().GetAsync("/?view=plain");
        using var form = await client.GetAsync($"/book?clinic=1&date={Iso(date)}");
        // An answer reflects what the patient typed: compressed, it would let an eavesdropper guess it (BREACH).
        using var answer = await client.PostAsync($"/book?clinic=1&date={Iso(date)}", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Name"] = "Nils" }));

        Assert.Equal(["gzip"], home.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], cachedHome.Content.Headers.ContentEncoding);
        // The same address from the cache, for a client that did not ask for gzip: the cache keeps both.
        Assert.Empty(plainHome.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], form.Content.Headers.ContentEncoding);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(answer.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_chosen_language_sticks_and_goes_with_the_booking_request()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4);
        var client = system.Web.CreateClient();
        await GetPageAsync(client, "/?lang=sv");

        var form = await GetPageAsync(client, $"/book?clinic=4&date={Iso(date)}");
        var confirmation = await PostFormAsync(client, form, ValidFields(start));

        Assert.Equal("Din bokning är bekräftad", confirmation.QuerySelector("h1")!.TextContent.Trim());
        var bookingId = confirmation.Location.PathName.Split('/').Last();
        var booking = await system.Api.Http.GetStringAsync($"/api/bookings/{bookingId}");
        Assert.Contains("\"language\":\"sv\"", booking);
    }

    [Fact]
    public async Task When_BookingApi_is_unreachable_the_booking_page_says_so_instead_of_failing()
    {
        await using var web = new WebFactory(new Uri("http://127.0.0.1:9"), system.Resources.Messaging);

        using var response = await web.CreateClient().GetAsync($"/book?clinic=1&date={Iso(Today.AddDays(3))}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot reach the booking service", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task When_BookingApi_is_unreachable_a_booking_s_own_page_says_so_without_denying_the_booking()
    {
        await using var web = new WebFactory(new Uri("http://127.0.0.1:9"), system.Resources.Messaging);

        using var response = await web.CreateClient().GetAsync($"/bookings/{Guid.NewGuid()}?lang=en");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("We cannot reach the booking service right now. Please try again in a minute.", text);
        Assert.DoesNotContain("Nothing has been booked", text);
    }

    /// <summary>A clock that started at <paramref name="start"/> and runs from there, for the servers' own timers and timeouts too.</summary>
    private sealed class ClockFrom(DateTimeOffset start) : TimeProvider
    {
        private readonly TimeSpan _offset = start - DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
    }

    /// <summary>BookingApi as far as reading goes, but every booking request is answered 400 with <paramref name="errors"/>.</summary>
    private sealed class BookingApiRefusingEveryBooking(Dictionary<string, string[]> errors) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath == "/api/bookings"
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = JsonContent.Create(new { title = "One or more validation errors occurred.", errors }) })
                : base.SendAsync(request, cancellationToken);
    }

    private static Dictionary<string, string> ValidFields(DateTimeOffset start) => new()
    {
        ["Form.Start"] = start.ToString("O"),
        ["Form.Name"] = "Astrid Lindgren",
        ["Form.Email"] = BookingApiDriver.NewPatientEmail(),
        ["Form.Phone"] = "+46 31 123 45 67",
        ["Form.Consent"] = "true",
    };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    private static string MessageFor(IDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")!.TextContent.Trim();

    private static async Task<IDocument> GetPageAsync(HttpClient client, string address)
    {
        using var response = await client.GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    private const string ScriptRan = "data-test-script-ran";

    /// <summary>
    /// Submits <paramref name="page"/>'s booking form as a browser with scripts would: its hidden fields plus
    /// <paramref name="fields"/>, with the request id book.js gives a new page once, as it loads; a page answering a
    /// form keeps its id. So submitting the same page again is a retry.
    /// </summary>
    private static async Task<IDocument> PostFormAsync(HttpClient client, IDocument page, Dictionary<string, string> fields)
    {
        var form = (IHtmlFormElement)page.QuerySelector("#booking-form")!;
        if (form.GetAttribute("data-answer") == "false" && !form.HasAttribute(ScriptRan)
            && form.QuerySelector("input[name='Form.RequestId']") is IHtmlInputElement requestId)
        {
            requestId.Value = Guid.NewGuid().ToString();
            form.SetAttribute(ScriptRan, "");
        }

        var values = form.QuerySelectorAll("input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(input => input.Name!, input => input.Value);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        using var response = await client.PostAsync(page.Url, new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    /// <summary>A booking form fresh from <paramref name="address"/> as a browser without scripts sends it: its hidden fields as rendered, and what was typed.</summary>
    private static async Task<Dictionary<string, string>> FormWithoutScriptsAsync(HttpClient client, string address, Dictionary<string, string> typed)
    {
        var page = await GetPageAsync(client, address);
        var values = page.QuerySelectorAll("#booking-form input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(input => input.Name!, input => input.Value);
        foreach (var (name, value) in typed)
        {
            values[name] = value;
        }

        return values;
    }

    /// <summary>Parsed with the address the client ended up at, so <see cref="IDocument.Location"/> and form posts work as in a browser.</summary>
    private static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var address = response.RequestMessage!.RequestUri!;
        return await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html).Address(address));
    }
}
