using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dentistimo.Contracts;
using Dentistimo.Testing;
using Dentistimo.Web.Hubs;
using Dentistimo.Web.Services;
using Microsoft.Playwright;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>
/// A patient in headless Chromium against the whole running system (BookingApi, Notifier and the web app on real ports,
/// PostgreSQL, Redis, RabbitMQ and MailDev), while a second patient watches the same day in another browser.
/// </summary>
public sealed class BookingJourneyBrowserTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);
    private static readonly ViewportSize s_desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize s_phone = new() { Width = 360, Height = 780 };

    [Fact]
    public async Task A_patient_chooses_a_clinic_on_the_map_and_a_date_books_a_slot_and_gets_the_email_while_another_sees_the_slot_fill()
    {
        var web = system.WebOnKestrel;
        await using var notifier = await new NotifierFactory(system.Resources, new Dictionary<string, string?>
        {
            ["Email:PublicBaseUrl"] = web.ToString().TrimEnd('/'),
        }).StartedAsync();
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1);
        var iso = date.ToString("yyyy-MM-dd");
        var email = BookingApiDriver.NewPatientEmail();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_desktop);
        var watcher = await NewPageAsync(browser, web, s_phone);

        // Home: the tiles cannot load here, which the map must say while the pins keep working.
        await patient.GotoAsync("/");
        await Assertions.Expect(patient.Locator("#map-status")).ToContainTextAsync("The map could not be loaded");
        await Assertions.Expect(patient.Locator("#continue")).ToBeDisabledAsync();
        await Screenshots.SaveAsync(patient, "01-home");
        await patient.Locator("[data-clinic-pin='1']").ClickAsync();
        await Assertions.Expect(patient.Locator("#clinic-1")).ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator("[data-overview-for='1']")).ToBeVisibleAsync();
        await Assertions.Expect(patient.Locator("#continue")).ToBeDisabledAsync();
        await patient.Locator($"label[for='day-{iso}']").ClickAsync();
        await Assertions.Expect(patient.Locator("#overview-free")).ToContainTextAsync("free time");
        await Assertions.Expect(patient.Locator("#continue")).ToBeEnabledAsync();
        await Screenshots.SaveAsync(patient, "02-home-clinic-and-date-chosen");
        await patient.Locator("#continue").ClickAsync();
        await patient.ArriveAtAsync(new Regex($"/book\\?.*clinic=1&date={iso}"));

        // The second patient watches the same day, live.
        await watcher.GotoAsync($"/book?clinic=1&date={iso}");
        await Assertions.Expect(watcher.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        var watchedSlot = watcher.Locator($".slot[data-start='{start.ToUniversalTime():O}'] .slot-state");
        await Assertions.Expect(watchedSlot).ToHaveTextAsync("3 of 3 free");
        await Screenshots.SaveAsync(watcher, "03-booking-page");
        // Changes to the watcher's own choice are announced to screen readers.
        await watcher.Locator($".slot[data-start='{start.ToUniversalTime():O}'] label").ClickAsync();

        // The form opens once a time is chosen, and checks the fields before anything is sent.
        await Assertions.Expect(patient.Locator("#details")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(patient, "03-booking-page");
        await patient.Locator($".slot[data-start='{start.ToUniversalTime():O}'] label").ClickAsync();
        await Assertions.Expect(patient.Locator("#details")).ToBeVisibleAsync();
        await patient.Locator("#book-button").ClickAsync();
        await Assertions.Expect(patient.Locator("#Form_Name-error")).ToHaveTextAsync("Enter your name.");
        await Assertions.Expect(patient.Locator("#Form_Name")).ToBeFocusedAsync();
        await Screenshots.SaveAsync(patient, "04-booking-form-errors");
        await patient.Locator("#Form_Name").FillAsync("Astrid Lindgren");
        await patient.Locator("#Form_Email").FillAsync(email);
        await patient.Locator("label[for='Form_Consent']").ClickAsync();
        await Assertions.Expect(patient.Locator("#Form_Consent")).ToBeCheckedAsync();
        await patient.Locator("#book-button").ClickAsync();

        await patient.ArriveAtAsync(new Regex("/bookings/[0-9a-f-]{36}"));
        await Assertions.Expect(patient.Locator("h1")).ToContainTextAsync("Your booking is confirmed");
        var reference = (await patient.Locator("#reference").TextContentAsync())!.Trim();
        Assert.NotEmpty(reference);
        await Screenshots.SaveAsync(patient, "05-confirmation");

        // Without reloading, the watcher's grid shows one place fewer.
        await Assertions.Expect(watchedSlot).ToHaveTextAsync("2 of 3 free", new() { Timeout = (float)s_patience.TotalMilliseconds });
        await Assertions.Expect(watcher.Locator("#slot-announcer")).ToContainTextAsync("2 of 3 free");
        await Screenshots.SaveAsync(watcher, "06-booking-page-after-live-update");

        var received = await new MailDevInbox(system.Resources.Servers.MailDev.WebUrl).WaitForAsync(email, 1, s_patience);
        Assert.Contains(reference, received[0].Text);

        // The same pages at the other size, and in Swedish, for the artifacts.
        var phone = await NewPageAsync(browser, web, s_phone);
        await phone.GotoAsync($"/?clinic=1&date={iso}&lang=sv");
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("Boka tandläkare i Göteborg");
        await Screenshots.SaveAsync(phone, "01-home");
        await phone.GotoAsync(patient.Url);
        await Screenshots.SaveAsync(phone, "05-confirmation");
        var desktop = await NewPageAsync(browser, web, s_desktop);
        await desktop.GotoAsync($"/book?clinic=1&date={iso}");
        await Screenshots.SaveAsync(desktop, "06-booking-page-after-live-update");
    }

    [Fact]
    public async Task A_time_someone_else_books_while_the_form_is_open_is_marked_beside_the_times_and_only_that_is_announced()
    {
        var web = system.WebOnKestrel;
        // Tooth Fairy Dentist has one dentist: one booking fills a time.
        var (date, chosen) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 6);
        var other = (await system.Api.AvailableStartsAsync(2, date)).First(start => start != chosen);
        var iso = date.ToString("yyyy-MM-dd");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_desktop);
        await patient.GotoAsync($"/book?clinic=2&date={iso}");
        await Assertions.Expect(patient.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        var chosenSlot = patient.Locator($".slot[data-start='{chosen.ToUniversalTime():O}']");
        await chosenSlot.Locator("label").ClickAsync();

        await BookAsync(2, other);
        await Assertions.Expect(patient.Locator($".slot[data-start='{other.ToUniversalTime():O}'] .slot-state")).ToHaveTextAsync("Full");
        await Assertions.Expect(patient.Locator("#slot-announcer")).ToBeEmptyAsync();
        await BookAsync(2, chosen);

        const string taken = "Someone else has just booked the time you chose. Please choose another time.";
        await Assertions.Expect(patient.Locator("#Form_Start-error")).ToHaveTextAsync(taken);
        await Assertions.Expect(patient.Locator("#slot-announcer")).ToHaveTextAsync(taken);
        await Assertions.Expect(chosenSlot.Locator("input")).Not.ToBeCheckedAsync();
        await Assertions.Expect(chosenSlot.Locator("input")).ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshots.SaveAsync(patient, "07-booking-page-chosen-time-taken");

        // Choosing another time answers the message.
        var free = patient.Locator(".slot--available label").First;
        await free.ClickAsync();
        await Assertions.Expect(patient.Locator("#Form_Start-error")).ToBeEmptyAsync();
        await Assertions.Expect(chosenSlot.Locator("input")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        // A page whose live updates cannot start says its times may be out of date.
        var offline = await NewPageAsync(browser, web, s_phone);
        await offline.RouteAsync(new Regex("/lib/signalr/"), route => route.AbortAsync());
        await offline.GotoAsync($"/book?clinic=2&date={iso}");
        await Assertions.Expect(offline.Locator("#live-status")).ToHaveTextAsync("The times shown may be out of date. Reload the page to update them.");
    }

    [Fact]
    public async Task A_time_booked_after_the_page_was_made_but_before_its_live_updates_started_shows_its_new_state_once_they_start()
    {
        var web = system.WebOnKestrel;
        // Tooth Fairy Dentist has one dentist: one booking fills a time.
        var (date, chosen) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 9);
        var other = (await system.Api.AvailableStartsAsync(2, date)).First(start => start != chosen);
        var address = $"/book?clinic=2&date={date:yyyy-MM-dd}&time={ClinicTime.ToLocal(chosen):HH:mm}";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        // The page's scripts wait until the test lets them load: the page is made, then both times are booked, then
        // its connection starts. The events of those bookings went to the pages connected then, not to this one.
        var scriptsMayLoad = new TaskCompletionSource();
        var late = await NewPageAsync(browser, web, s_desktop);
        await late.RouteAsync(new Regex("/lib/signalr/"), async route =>
        {
            await scriptsMayLoad.Task;
            await route.ContinueAsync();
        });
        await late.GotoAsync(address, new() { WaitUntil = WaitUntilState.Commit });
        var chosenSlot = late.Locator($".slot[data-start='{chosen.ToUniversalTime():O}']");
        var otherSlot = late.Locator($".slot[data-start='{other.ToUniversalTime():O}']");
        await Assertions.Expect(otherSlot.Locator(".slot-state")).ToHaveTextAsync("1 of 1 free");
        await Assertions.Expect(chosenSlot.Locator("input")).ToBeCheckedAsync();

        var watcher = await NewPageAsync(browser, web, s_phone);
        await watcher.GotoAsync(address);
        await Assertions.Expect(watcher.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        await BookAsync(2, other);
        await BookAsync(2, chosen);
        // Once a connected page has seen both bookings, their events are gone (and the web has let go of the day it kept).
        await Assertions.Expect(watcher.Locator($".slot[data-start='{other.ToUniversalTime():O}'] .slot-state")).ToHaveTextAsync("Full");
        await Assertions.Expect(watcher.Locator($".slot[data-start='{chosen.ToUniversalTime():O}'] .slot-state")).ToHaveTextAsync("Full");
        await Assertions.Expect(otherSlot.Locator(".slot-state")).ToHaveTextAsync("1 of 1 free");

        scriptsMayLoad.SetResult();
        await Assertions.Expect(late.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        await Assertions.Expect(otherSlot.Locator(".slot-state")).ToHaveTextAsync("Full");
        await Assertions.Expect(otherSlot.Locator("input")).ToBeDisabledAsync();
        // The patient's own time, taken in the gap, is unchecked and says so, as when it is taken while connected.
        const string taken = "Someone else has just booked the time you chose. Please choose another time.";
        await Assertions.Expect(chosenSlot.Locator(".slot-state")).ToHaveTextAsync("Full");
        await Assertions.Expect(chosenSlot.Locator("input")).Not.ToBeCheckedAsync();
        await Assertions.Expect(late.Locator("#Form_Start-error")).ToHaveTextAsync(taken);
        await Assertions.Expect(late.Locator("#live-status")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task A_page_whose_live_connection_drops_says_so_and_once_it_is_back_shows_what_was_booked_meanwhile()
    {
        var web = system.WebOnKestrel;
        // Tooth Fairy Dentist has one dentist: one booking fills a time.
        var (date, bookedMeanwhile) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 12);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_desktop);
        // The page's live connection goes through the test, which can cut it and turn its reconnection attempts away,
        // as a network that drops and comes back would.
        IWebSocketRoute? liveConnection = null;
        var networkDown = false;
        await patient.RouteWebSocketAsync(new Regex("/hubs/availability"), connection =>
        {
            if (Volatile.Read(ref networkDown))
            {
                _ = connection.CloseAsync(new() { Code = 1011, Reason = "network down" });
                return;
            }
            connection.ConnectToServer();
            liveConnection = connection;
        });
        await patient.GotoAsync($"/book?clinic=2&date={date:yyyy-MM-dd}");
        await Assertions.Expect(patient.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        var slotState = patient.Locator($".slot[data-start='{bookedMeanwhile.ToUniversalTime():O}'] .slot-state");
        await Assertions.Expect(slotState).ToHaveTextAsync("1 of 1 free");

        Volatile.Write(ref networkDown, true);
        await liveConnection!.CloseAsync(new() { Code = 1011, Reason = "network down" });
        await Assertions.Expect(patient.Locator("#live-status"))
            .ToHaveTextAsync("The connection was lost, so the times shown may be out of date. Reconnecting…");
        await Assertions.Expect(patient.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(0);
        await BookAsync(2, bookedMeanwhile);
        await Assertions.Expect(slotState).ToHaveTextAsync("1 of 1 free");

        // SignalR tries again after 0, 2, 10 and 30 s: the booking's event went to no one, and Watch catches up.
        Volatile.Write(ref networkDown, false);
        var patience = new LocatorAssertionsToHaveCountOptions { Timeout = (float)s_patience.TotalMilliseconds };
        await Assertions.Expect(patient.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1, patience);
        await Assertions.Expect(slotState).ToHaveTextAsync("Full");
        await Assertions.Expect(patient.Locator($".slot[data-start='{bookedMeanwhile.ToUniversalTime():O}'] input")).ToBeDisabledAsync();
        await Assertions.Expect(patient.Locator("#live-status")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task Switching_language_keeps_the_chosen_clinic_and_date_and_on_the_booking_page_the_time_and_details_but_not_in_the_address()
    {
        var web = system.WebOnKestrel;
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 15);
        var iso = date.ToString("yyyy-MM-dd");
        var email = BookingApiDriver.NewPatientEmail();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_phone);
        await patient.GotoAsync("/?lang=en");
        await patient.Locator("label[for='clinic-2']").ClickAsync();
        await patient.Locator($"label[for='day-{iso}']").ClickAsync();
        await patient.Locator(".language-switch a[hreflang='sv']").ClickAsync();
        await patient.ArriveAtAsync(new Regex("lang=sv"));
        await Assertions.Expect(patient.Locator("#clinic-2")).ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator($"#day-{iso}")).ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator("#continue")).ToBeEnabledAsync();

        await patient.Locator("#continue").ClickAsync();
        await patient.ArriveAtAsync(new Regex($"/book\\?.*clinic=2&date={iso}"));
        var time = patient.Locator($".slot[data-start='{start.ToUniversalTime():O}']");
        await time.Locator("label").ClickAsync();
        await patient.Locator("#Form_Name").FillAsync("Åsa Öberg");
        await patient.Locator("#Form_Email").FillAsync(email);
        await patient.Locator("#Form_Phone").FillAsync("031-123 45 67");
        await patient.Locator("label[for='Form_Consent']").ClickAsync();
        await patient.Locator(".language-switch a[hreflang='en']").ClickAsync();

        await patient.ArriveAtAsync(new Regex("lang=en"));
        await Assertions.Expect(patient.Locator("#book-button")).ToHaveTextAsync("Book this time");
        await Assertions.Expect(time.Locator("input")).ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator("#details")).ToBeVisibleAsync();
        await Assertions.Expect(patient.Locator("#Form_Name")).ToHaveValueAsync("Åsa Öberg");
        await Assertions.Expect(patient.Locator("#Form_Email")).ToHaveValueAsync(email);
        await Assertions.Expect(patient.Locator("#Form_Phone")).ToHaveValueAsync("031-123 45 67");
        await Assertions.Expect(patient.Locator("#Form_Consent")).ToBeCheckedAsync();
        Assert.DoesNotContain("berg", Uri.UnescapeDataString(patient.Url));
        Assert.DoesNotContain(email.Split('@')[0], Uri.UnescapeDataString(patient.Url));

        await patient.Locator("#book-button").ClickAsync();
        await patient.ArriveAtAsync(new Regex("/bookings/[0-9a-f-]{36}"));
        await Assertions.Expect(patient.Locator("h1")).ToContainTextAsync("Your booking is confirmed");
        // Taken out on arrival: the same page loaded again starts empty.
        await patient.GotoAsync($"/book?clinic=2&date={iso}&lang=en");
        await Assertions.Expect(patient.Locator("#Form_Name")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Switching_to_a_clinic_that_cannot_take_the_chosen_date_says_the_date_was_let_go()
    {
        var web = system.WebOnKestrel;
        // Tooth Fairy Dentist has one dentist: a booking for each of its times fills a date Your Dentist still has free.
        var (date, _) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 12);
        var iso = date.ToString("yyyy-MM-dd");
        await Task.WhenAll((await system.Api.AvailableStartsAsync(2, date)).Select(start => BookAsync(2, start)));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_desktop);
        var day = patient.Locator($".day[data-date='{iso}']");
        // The home page may be kept for a few seconds (RangeCacheDuration): reload until it has the date full.
        await Eventually.TrueAsync(async () =>
        {
            await patient.GotoAsync("/?clinic=2");
            return await day.GetAttributeAsync("class") == "day day--full";
        }, TimeSpan.FromSeconds(30), "the home page to show the date full at Tooth Fairy Dentist");

        await patient.Locator("label[for='clinic-1']").ClickAsync();
        await patient.Locator($"label[for='day-{iso}']").ClickAsync();
        await Assertions.Expect(patient.Locator("#continue-hint")).ToContainTextAsync("Next: choose a time at Your Dentist");
        await patient.Locator("label[for='clinic-2']").ClickAsync();

        await Assertions.Expect(patient.Locator($"#day-{iso}")).Not.ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator("#continue-hint")).ToContainTextAsync("Tooth Fairy Dentist has no free times on");
        await Assertions.Expect(patient.Locator("#continue")).ToHaveAttributeAsync("aria-disabled", "true");
    }

    [Fact]
    public async Task On_a_phone_the_reference_stays_on_one_line_and_back_from_it_the_form_is_whole_again()
    {
        var web = system.WebOnKestrel;
        // Your Dentist has three dentists: the time stays free after this patient's booking.
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 15);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_phone);
        await patient.GotoAsync($"/book?clinic=1&date={date:yyyy-MM-dd}&lang=sv");
        var slot = patient.Locator($".slot[data-start='{start.ToUniversalTime():O}']");
        await slot.Locator("label").ClickAsync();
        await patient.Locator("#Form_Name").FillAsync("Örjan Ärlig-Åberg");
        await patient.Locator("#Form_Email").FillAsync(BookingApiDriver.NewPatientEmail());
        await patient.Locator("#Form_Consent").CheckAsync();
        await patient.Locator("#book-button").ClickAsync();

        await patient.ArriveAtAsync(new Regex("/bookings/"));
        // "Bokningsnummer" is a long label for a phone's width: the reference, read out to the clinic, must not break.
        // A line of text is a box, and so is the ::first-letter of each fact: lines are told apart by their tops.
        var referenceLines = await patient.Locator("#reference").EvaluateAsync<int>(
            "element => { const range = document.createRange(); range.selectNodeContents(element); return new Set([...range.getClientRects()].map(box => Math.round(box.top))).size; }");
        Assert.Equal(1, referenceLines);

        // Back: the page is loaded anew (its live connection keeps it out of the back/forward cache), and the browser
        // puts the chosen time and the details back. The form they are in is shown, and sending it is a new request.
        await patient.GoBackAsync();
        await Assertions.Expect(slot.Locator("input")).ToBeCheckedAsync();
        await Assertions.Expect(patient.Locator("#details")).ToBeVisibleAsync();
        await Assertions.Expect(patient.Locator("#Form_Name")).ToHaveValueAsync("Örjan Ärlig-Åberg");
        await patient.Locator("#Form_Consent").CheckAsync();
        await patient.Locator("#book-button").ClickAsync();
        // Sending it again is a second request for the same address and time: the page says only that the details went by email.
        await Assertions.Expect(patient.Locator("#rejection")).ToContainTextAsync("Vi har skickat mer information till e-postadressen du angav.");
        await Assertions.Expect(patient.Locator("#rejection")).Not.ToContainTextAsync("redan");
    }

    [Fact]
    public async Task A_patient_cancels_from_the_confirmation_page_s_manage_link_and_another_sees_the_time_free_again()
    {
        var web = system.WebOnKestrel;
        // Tooth Fairy Dentist has one dentist: one booking fills a time, and cancelling it frees it.
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 19);
        var iso = date.ToString("yyyy-MM-dd");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var patient = await NewPageAsync(browser, web, s_desktop);
        var watcher = await NewPageAsync(browser, web, s_phone);
        await watcher.GotoAsync($"/book?clinic=2&date={iso}");
        await Assertions.Expect(watcher.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        var watchedSlot = watcher.Locator($".slot[data-start='{start.ToUniversalTime():O}']");
        await Assertions.Expect(watchedSlot.Locator(".slot-state")).ToHaveTextAsync("1 of 1 free");

        await patient.GotoAsync($"/book?clinic=2&date={iso}");
        await patient.Locator($".slot[data-start='{start.ToUniversalTime():O}'] label").ClickAsync();
        await patient.Locator("#Form_Name").FillAsync("Astrid Lindgren");
        await patient.Locator("#Form_Email").FillAsync(BookingApiDriver.NewPatientEmail());
        await patient.Locator("label[for='Form_Consent']").ClickAsync();
        await patient.Locator("#book-button").ClickAsync();
        await patient.ArriveAtAsync(new Regex("/bookings/[0-9a-f-]{36}\\?"));
        await Assertions.Expect(watchedSlot.Locator(".slot-state")).ToHaveTextAsync("Full", new() { Timeout = (float)s_patience.TotalMilliseconds });

        await patient.Locator("#manage-link").ClickAsync();
        await patient.ArriveAtAsync(new Regex("/bookings/[0-9a-f-]{36}/manage\\?token="));
        await Assertions.Expect(patient.Locator("#appointment-status")).ToHaveTextAsync("Confirmed");
        await Screenshots.SaveAsync(patient, "08-manage");
        await patient.Locator("#cancel-button").ClickAsync();

        await Assertions.Expect(patient.Locator("#change-notice h2")).ToHaveTextAsync("Your appointment is cancelled");
        await Assertions.Expect(patient.Locator("#book-again")).ToHaveAttributeAsync("href", $"/book?clinic=2&date={iso}&lang=en");
        await Screenshots.SaveAsync(patient, "09-manage-cancelled");
        // Without reloading, the watcher's grid has the time free again, to choose.
        await Assertions.Expect(watchedSlot.Locator(".slot-state")).ToHaveTextAsync("1 of 1 free", new() { Timeout = (float)s_patience.TotalMilliseconds });
        await Assertions.Expect(watchedSlot.Locator("input")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task A_slot_change_that_arrives_after_a_newer_one_or_after_the_page_was_rendered_does_not_overwrite_it()
    {
        var web = system.WebOnKestrel;
        // Your Dentist has three dentists: each booking of a time leaves another count.
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 24);
        var later = (await system.Api.AvailableStartsAsync(1, date)).First(other => other != start);
        var address = $"/book?clinic=1&date={date:yyyy-MM-dd}";
        var patience = new LocatorAssertionsToHaveTextOptions { Timeout = (float)s_patience.TotalMilliseconds };

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        // The first booking's change is held back on its way to this page, as a slower outbox dispatcher, a batch put
        // back after a failed publish or a consumer taking several at once could, and goes on after the second's.
        var firstChange = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        IWebSocketRoute? toEarly = null;
        var early = await NewPageAsync(browser, web, s_desktop);
        await early.RouteWebSocketAsync(new Regex("/hubs/availability"), connection =>
        {
            toEarly = connection;
            connection.ConnectToServer().OnMessage(frame =>
            {
                foreach (var message in (frame.Text ?? "").Split(HubRecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (IsSlotChange(message, start, booked: 1))
                    {
                        firstChange.TrySetResult(message + HubRecordSeparator);
                    }
                    else
                    {
                        connection.Send(message + HubRecordSeparator);
                    }
                }
            });
        });
        await early.GotoAsync(address);
        await Assertions.Expect(early.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        await Assertions.Expect(SlotState(early, start)).ToHaveTextAsync("3 of 3 free");

        await BookAsync(1, start);
        var first = await firstChange.Task.WaitAsync(s_patience);
        await BookAsync(1, start);
        await Assertions.Expect(SlotState(early, start)).ToHaveTextAsync("Only 1 left", patience);
        toEarly!.Send(first);

        // A page rendered after both bookings gets the first one's change late too, as a lagging replica would send it.
        IWebSocketRoute? toLate = null;
        var late = await NewPageAsync(browser, web, s_phone);
        await late.RouteWebSocketAsync(new Regex("/hubs/availability"), connection =>
        {
            connection.ConnectToServer();
            toLate = connection;
        });
        await late.GotoAsync(address);
        await Assertions.Expect(late.Locator("#booking-form[data-live='true']")).ToHaveCountAsync(1);
        await Assertions.Expect(SlotState(late, start)).ToHaveTextAsync("Only 1 left");
        toLate!.Send(first);

        // A booking of another time after them: once a page shows it, it has read the late change, sent before it.
        await BookAsync(1, later);
        foreach (var page in new[] { early, late })
        {
            await Assertions.Expect(SlotState(page, later)).ToHaveTextAsync("2 of 3 free", patience);
            await Assertions.Expect(SlotState(page, start)).ToHaveTextAsync("Only 1 left");
        }

        static ILocator SlotState(IPage page, DateTimeOffset start) =>
            page.Locator($".slot[data-start='{start.ToUniversalTime():O}'] .slot-state");
    }

    // SignalR's JSON protocol ends each message with this; a frame may hold several.
    private const string HubRecordSeparator = "\u001e";

    private static bool IsSlotChange(string hubMessage, DateTimeOffset start, int booked) =>
        JsonNode.Parse(hubMessage) is JsonObject message
        && (int?)message["type"] == 1
        && (string?)message["target"] == AvailabilityHub.SlotChangedMethod
        && message["arguments"]?[0] is JsonObject change
        && DateTimeOffset.Parse((string)change["start"]!, CultureInfo.InvariantCulture) == start
        && (int?)change["booked"] == booked;

    private async Task BookAsync(int clinicId, DateTimeOffset start)
    {
        var (status, _) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), clinicId, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, Uri web, ViewportSize size)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.ToString(), ViewportSize = size, Locale = "en-GB" });
        // A safety net for a loaded CI machine, not a speed check: waits normally end in well under a second.
        context.SetDefaultTimeout(90_000);
        return await context.NewPageAsync();
    }
}
