using System.Net;
using AngleSharp.Dom;
using Dentistimo.Contracts;
using Dentistimo.Testing;

using static Dentistimo.Web.Tests.Functional.HtmlPages;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>Issue #26 through the web against BookingApi's own manage endpoints: cancel and move from the manage link.</summary>
public sealed class ManageBookingTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    [Fact]
    public async Task From_the_confirmation_page_the_patient_cancels_and_the_seat_is_free_again_and_cancelling_twice_is_one_cancellation()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 1, daysAhead: 8);
        var client = system.Web.CreateClient();
        var confirmation = await BookThroughTheFormAsync(client, 1, date, start, "en");

        var manageLink = confirmation.QuerySelector("#manage-link")!.GetAttribute("href")!;
        Assert.Matches("^/bookings/[0-9a-f-]{36}/manage\\?token=[A-Za-z0-9_-]{43}&lang=en$", manageLink);
        var manage = await GetPageAsync(client, manageLink);
        Assert.Equal(confirmation.QuerySelector("#reference")!.TextContent, manage.QuerySelector("#reference")!.TextContent);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(1, date, start))["booked"]!);

        var cancelled = await SubmitAndReadAsync(client, manage, "#cancel-form");
        var again = await SubmitAndReadAsync(client, manage, "#cancel-form");

        Assert.Equal("Your appointment is cancelled", cancelled.QuerySelector("#change-notice h2")!.TextContent.Trim());
        Assert.Equal("Cancelled", cancelled.QuerySelector("#appointment-status")!.TextContent);
        Assert.Equal($"/book?clinic=1&date={date:yyyy-MM-dd}&lang=en", cancelled.QuerySelector("#book-again")!.GetAttribute("href"));
        Assert.Equal(cancelled.Url, again.Url);
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(1, date, start))["booked"]!);
        // The booking's own page, where the emails link to, says so too.
        var bookingPage = await GetPageAsync(client, new Uri(confirmation.Url).AbsolutePath + "?lang=en");
        Assert.Equal("This appointment is cancelled", bookingPage.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_patient_moves_to_another_free_time_that_day_and_the_seats_follow()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 4, daysAhead: 9);
        var client = system.Web.CreateClient();
        var confirmation = await BookThroughTheFormAsync(client, 4, date, start, "sv");
        var manage = await GetPageAsync(client, confirmation.QuerySelector("#manage-link")!.GetAttribute("href")!);
        var newStart = manage.QuerySelectorAll("#move-form input[name=start]:not([disabled])").Select(input => DateTimeOffset.Parse(input.GetAttribute("value")!)).Last();

        var moved = await SubmitAndReadAsync(client, manage, "#move-form", new() { ["start"] = newStart.ToString("O") });

        Assert.StartsWith("Din tid är flyttad till", moved.QuerySelector("#change-notice h2")!.TextContent.Trim());
        Assert.Contains(ClinicTime.ToLocal(newStart).ToString("HH:mm"), moved.QuerySelector("#appointment-time")!.TextContent);
        Assert.Equal(0, (int)(await system.Api.GetSlotAsync(4, date, start))["booked"]!);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(4, date, newStart))["booked"]!);
    }

    [Fact]
    public async Task A_time_taken_just_before_the_move_asks_for_another_and_shows_it_taken()
    {
        // Tooth Fairy Dentist has one dentist: one booking fills a time.
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 2, daysAhead: 10);
        var client = system.Web.CreateClient();
        var confirmation = await BookThroughTheFormAsync(client, 2, date, start, "en");
        var manage = await GetPageAsync(client, confirmation.QuerySelector("#manage-link")!.GetAttribute("href")!);
        var taken = manage.QuerySelectorAll("#move-form input[name=start]:not([disabled])").Select(input => DateTimeOffset.Parse(input.GetAttribute("value")!)).Last();
        Assert.Equal(201, (await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, taken, BookingApiDriver.NewPatientEmail()))).Status);

        var refused = await SubmitAndReadAsync(client, manage, "#move-form", new() { ["start"] = taken.ToString("O") });

        Assert.Equal("That time was just taken; choose another.", refused.QuerySelector("#start-error")!.TextContent.Trim());
        var slot = refused.QuerySelectorAll(".slot").Single(cell => DateTimeOffset.Parse(cell.GetAttribute("data-start")!) == taken);
        Assert.Contains("slot--full", slot.ClassList);
        Assert.Equal(1, (int)(await system.Api.GetSlotAsync(2, date, start))["booked"]!);
    }

    [Fact]
    public async Task A_wrong_token_is_the_same_missing_page_as_an_unknown_booking()
    {
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 3, daysAhead: 11);
        var client = system.Web.CreateClient();
        var confirmation = await BookThroughTheFormAsync(client, 3, date, start, "en");
        var bookingPath = new Uri(confirmation.Url).AbsolutePath;

        using var wrongToken = await client.GetAsync($"{bookingPath}/manage?token={new string('A', 43)}&lang=en");
        using var unknown = await client.GetAsync($"/bookings/{Guid.NewGuid()}/manage?token={new string('A', 43)}&lang=en");

        Assert.Equal(HttpStatusCode.NotFound, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The same page; only the language switch's links name the address asked for.
        Assert.Equal((await ParseAsync(unknown)).QuerySelector("main")!.InnerHtml, (await ParseAsync(wrongToken)).QuerySelector("main")!.InnerHtml);
    }

    [Fact]
    public async Task Past_the_cutoff_the_page_and_a_cancellation_say_to_call_the_clinic_on_its_number()
    {
        // The longest cutoff BookingApi takes, two weeks: an appointment four days ahead is past it.
        await using var bookingApi = new BookingApiFactory(system.Resources, new Dictionary<string, string?> { ["Booking:CancellationCutoffHours"] = "336" });
        await using var web = new WebFactory(await bookingApi.StartedOnKestrelAsync(), system.Resources.Messaging, WebSystemFixture.WithoutPerClientLimit);
        var (date, start) = await system.Api.FindBookableSlotAsync(clinicId: 3, daysAhead: 4);
        Assert.True(date < DateOnly.FromDateTime(DateTime.UtcNow).AddDays(13), "A free time within the cutoff's two weeks");
        var client = web.CreateClient();
        var confirmation = await BookThroughTheFormAsync(client, 3, date, start, "sv");
        var manageLink = confirmation.QuerySelector("#manage-link")!.GetAttribute("href")!;

        var manage = await GetPageAsync(client, manageLink);
        using var cancel = await client.PostAsync(
            manageLink.Split('?')[0] + "?handler=cancel&lang=sv",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = manageLink.Split("token=")[1].Split('&')[0] }));

        Assert.Null(manage.QuerySelector("#cancel-form"));
        Assert.Matches("^Tiden kan inte längre ändras på webben. Ring kliniken på [0-9 +-]{6,} för att ändra eller avboka den.$", manage.QuerySelector("#state")!.TextContent.Trim());
        var refused = await ParseAsync(cancel);
        Assert.Matches("^Det är för sent att ändra tiden på webben. Ring kliniken på [0-9 +-]{6,}.$", refused.QuerySelector("#change-refused")!.TextContent.Trim());
        // Read where the booking was made: another replica may show its cached day for up to a second.
        Assert.Equal(1, (int)(await new BookingApiDriver(bookingApi.CreateClient()).GetSlotAsync(3, date, start))["booked"]!);
    }

    private static async Task<IDocument> BookThroughTheFormAsync(HttpClient client, int clinicId, DateOnly date, DateTimeOffset start, string language)
    {
        using var response = await client.PostAsync($"/book?clinic={clinicId}&date={date:yyyy-MM-dd}&lang={language}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.RequestId"] = Guid.NewGuid().ToString(),
            ["Form.Start"] = start.ToString("O"),
            ["Form.Name"] = "Astrid Lindgren",
            ["Form.Email"] = BookingApiDriver.NewPatientEmail(),
            ["Form.Consent"] = "true",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ParseAsync(response);
        Assert.NotNull(page.QuerySelector("#confirmation"));
        return page;
    }

    private static async Task<IDocument> SubmitAndReadAsync(HttpClient client, IDocument page, string formSelector, Dictionary<string, string>? fields = null)
    {
        using var response = await SubmitAsync(client, page, formSelector, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }
}
