using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>
/// Patients cancel and move appointments through BookingApi against real PostgreSQL, Redis and RabbitMQ: seats are
/// given back exactly once, a move is all or nothing, and the manage token is the only key.
/// </summary>
public sealed class AppointmentChangeTests(IsolatedResources resources) : BookingApiWithEventsTests(resources)
{
    private const int YourDentist = 1; // three dentists
    private const int ToothFairy = 2;  // one dentist: capacity 1

    [Fact]
    public async Task Cancelling_frees_exactly_one_seat_and_sending_it_again_changes_nothing()
    {
        var (date, start) = await FreshStartAsync(YourDentist);
        var booking = await BookAsync(YourDentist, start);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(YourDentist, date, start))["booked"]!);

        var first = await CancelAsync(booking.Id, booking.Token);
        var again = await CancelAsync(booking.Id, booking.Token);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, again.Status);
        Assert.Equal("cancelled", (string?)first.Body["status"]);
        Assert.Equal(first.Body.ToJsonString(), again.Body.ToJsonString());
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(YourDentist, date, start))["booked"]!);
        await Events.WaitForAsync(e => e.Cancelled.Any(c => c.Event.BookingId == booking.Id), TimeSpan.FromSeconds(30));
        var cancelled = Assert.Single(Events.Cancelled, c => c.Event.BookingId == booking.Id).Event;
        Assert.Equal(1, cancelled.CalendarSequence);
        Assert.Equal(start, cancelled.Appointment.StartUtc);
        Assert.NotNull(cancelled.Appointment.ClinicPhone);
        Assert.Contains(Events.AvailabilityChanged, e => e.Event.StartUtc == start && e.Event.Booked == 0);
        Assert.Equal(0, await SeatsOutOfStepAsync());
    }

    [Fact]
    public async Task Every_booking_cancellation_and_move_raises_the_slots_version_which_its_event_and_the_day_carry()
    {
        var (date, starts) = await FreshStartsAsync(YourDentist, count: 2);
        var (start, target) = (starts[0], starts[1]);
        var before = (int)(await Driver.GetSlotAsync(YourDentist, date, start))["version"]!;

        var first = await BookAsync(YourDentist, start);
        var second = await BookAsync(YourDentist, start);
        Assert.Equal(200, (await CancelAsync(first.Id, first.Token)).Status);
        Assert.Equal(200, (await MoveAsync(second.Id, second.Token, target)).Status);

        var changes = (DateTimeOffset at) => Events.AvailabilityChanged
            .Where(e => e.Event.ClinicId == YourDentist && e.Event.StartUtc == at).DistinctBy(e => e.MessageId).Select(e => e.Event).ToList();
        await Events.WaitForAsync(_ => changes(start).Count >= 4 && changes(target).Count >= 1, TimeSpan.FromSeconds(30));
        // Two seats taken, then one given back by the cancellation and one by the move: each change one version up.
        var slot = changes(start).OrderBy(e => e.Version).ToList();
        Assert.Equal([before + 1, before + 2, before + 3, before + 4], slot.Select(e => e.Version!.Value));
        Assert.Equal([1, 2, 1, 0], slot.Select(e => e.Booked));
        Assert.Equal(before + 4, (int)(await Driver.GetSlotAsync(YourDentist, date, start))["version"]!);
        var moved = Assert.Single(changes(target));
        Assert.Equal(1, moved.Booked);
        Assert.Equal(moved.Version, (int)(await Driver.GetSlotAsync(YourDentist, date, target))["version"]!);
    }

    [Fact]
    public async Task A_booking_request_sent_again_after_its_cancellation_is_answered_with_the_cancelled_booking()
    {
        var (_, start) = await FreshStartAsync(YourDentist);
        var request = BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, BookingApiDriver.NewPatientEmail());
        var (status, body) = await Driver.PostBookingAsync(request);
        Assert.Equal(201, status);
        Assert.Equal(200, (await CancelAsync((Guid)body["id"]!, (string)body["manageToken"]!)).Status);

        var (againStatus, again) = await Driver.PostBookingAsync(request);

        Assert.Equal(201, againStatus);
        Assert.Equal((Guid)body["id"]!, (Guid)again["id"]!);
        Assert.Equal("cancelled", (string?)again["status"]);
        Assert.Null(again["manageToken"]);
    }

    [Fact]
    public async Task The_token_is_the_only_key_and_a_wrong_one_looks_like_no_booking()
    {
        var (_, start) = await FreshStartAsync(YourDentist);
        var booking = await BookAsync(YourDentist, start);
        var other = await BookAsync(YourDentist, start);

        Assert.Equal(404, (await CancelAsync(booking.Id, token: null)).Status);
        Assert.Equal(404, (await CancelAsync(booking.Id, other.Token)).Status);
        Assert.Equal(404, (await CancelAsync(booking.Id, "not-a-token")).Status);
        Assert.Equal(404, (await CancelAsync(Guid.NewGuid(), booking.Token)).Status);
        Assert.Equal(404, (await GetManagedAsync(booking.Id, other.Token)).Status);

        var managed = await GetManagedAsync(booking.Id, booking.Token);
        Assert.Equal(200, managed.Status);
        Assert.Equal("confirmed", (string?)managed.Body["booking"]!["status"]);
        Assert.Null(managed.Body["booking"]!["manageToken"]);
        Assert.Equal(start - TimeSpan.FromHours(24), DateTimeOffset.Parse((string)managed.Body["changeableUntil"]!));
        Assert.False(string.IsNullOrEmpty((string?)managed.Body["clinicPhone"]));
        // The public answer by id never gives the key away.
        var byId = await Driver.Http.GetFromJsonAsync<JsonObject>($"/api/bookings/{booking.Id}");
        Assert.Null(byId!["manageToken"]);
    }

    [Fact]
    public async Task A_cancellation_racing_bookings_for_its_full_slot_frees_one_seat_for_one_of_them()
    {
        var (date, start) = await FreshStartAsync(ToothFairy);
        var holder = await BookAsync(ToothFairy, start);

        var cancellation = CancelAsync(holder.Id, holder.Token);
        var bookings = Enumerable.Range(0, 20).Select(_ => Driver.PostBookingAsync(
            BookingApiDriver.BookingRequest(Guid.NewGuid(), ToothFairy, start, BookingApiDriver.NewPatientEmail()))).ToList();
        await Task.WhenAll(bookings.Append<Task>(cancellation));

        Assert.Equal(200, (await cancellation).Status);
        Assert.InRange(bookings.Count(b => b.Result.Status == 201), 0, 1);
        var slot = await Driver.GetSlotAsync(ToothFairy, date, start);
        Assert.Equal(bookings.Count(b => b.Result.Status == 201), (int)slot["booked"]!);
        Assert.Equal(0, await SeatsOutOfStepAsync());
    }

    [Fact]
    public async Task Two_moves_racing_for_the_last_seat_move_one_appointment_and_leave_the_other_where_it_was()
    {
        var (date, starts) = await FreshStartsAsync(ToothFairy, count: 3);
        var target = starts[0];
        var first = await BookAsync(ToothFairy, starts[1]);
        var second = await BookAsync(ToothFairy, starts[2]);

        var moves = await Task.WhenAll(MoveAsync(first.Id, first.Token, target), MoveAsync(second.Id, second.Token, target));

        Assert.Single(moves, m => m.Status == 200);
        var refused = Assert.Single(moves, m => m.Status == 409);
        Assert.Equal("fully-booked", (string?)refused.Body["reasonCode"]);
        var moved = moves[0].Status == 200 ? first : second;
        var stayed = moves[0].Status == 200 ? second : first;
        Assert.Equal(target, DateTimeOffset.Parse((string)(await GetManagedAsync(moved.Id, moved.Token)).Body["booking"]!["start"]!));
        Assert.Equal(stayed.Start, DateTimeOffset.Parse((string)(await GetManagedAsync(stayed.Id, stayed.Token)).Body["booking"]!["start"]!));
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(ToothFairy, date, target))["booked"]!);
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(ToothFairy, date, moved.Start))["booked"]!);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(ToothFairy, date, stayed.Start))["booked"]!);
        Assert.Equal(0, await SeatsOutOfStepAsync());

        await Events.WaitForAsync(e => e.Moved.Any(m => m.Event.BookingId == moved.Id), TimeSpan.FromSeconds(30));
        var movedEvent = Assert.Single(Events.Moved, m => m.Event.BookingId == moved.Id).Event;
        Assert.Equal((moved.Start, target, 1), (movedEvent.PreviousStartUtc, movedEvent.Appointment.StartUtc, movedEvent.CalendarSequence));
        Assert.DoesNotContain(Events.Moved, m => m.Event.BookingId == stayed.Id);

        // Sent again, the move that succeeded answers the same and moves nothing.
        Assert.Equal(200, (await MoveAsync(moved.Id, moved.Token, target)).Status);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(ToothFairy, date, target))["booked"]!);
    }

    [Fact]
    public async Task A_move_racing_bookings_for_the_last_seat_leaves_it_to_exactly_one_of_them()
    {
        var (date, starts) = await FreshStartsAsync(ToothFairy, count: 2);
        var (target, from) = (starts[0], starts[1]);
        var mover = await BookAsync(ToothFairy, from);

        var move = MoveAsync(mover.Id, mover.Token, target);
        var bookings = Enumerable.Range(0, 20).Select(_ => Driver.PostBookingAsync(
            BookingApiDriver.BookingRequest(Guid.NewGuid(), ToothFairy, target, BookingApiDriver.NewPatientEmail()))).ToList();
        await Task.WhenAll(bookings.Append<Task>(move));

        var (moveStatus, moveBody) = await move;
        var moved = moveStatus == 200;
        Assert.True(moved || (moveStatus, (string?)moveBody["reasonCode"]) == (409, "fully-booked"));
        Assert.Equal(1, (moved ? 1 : 0) + bookings.Count(b => b.Result.Status == 201));
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(ToothFairy, date, target))["booked"]!);
        Assert.Equal(moved ? 0 : 1, (int)(await Driver.GetSlotAsync(ToothFairy, date, from))["booked"]!);
        Assert.Equal(0, await SeatsOutOfStepAsync());
    }

    [Fact]
    public async Task A_cancellation_and_a_move_of_one_booking_at_once_are_applied_one_after_the_other()
    {
        var (date, starts) = await FreshStartsAsync(YourDentist, count: 2);
        var booking = await BookAsync(YourDentist, starts[0]);

        var (cancel, move) = (CancelAsync(booking.Id, booking.Token), MoveAsync(booking.Id, booking.Token, starts[1]));
        await Task.WhenAll(cancel, move);

        Assert.Equal(200, (await cancel).Status);
        var movedFirst = (await move).Status == 200;
        Assert.True(movedFirst || (string?)(await move).Body["reasonCode"] == "cancelled");
        Assert.Equal("cancelled", (string?)(await GetManagedAsync(booking.Id, booking.Token)).Body["booking"]!["status"]);
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(YourDentist, date, starts[0]))["booked"]!);
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(YourDentist, date, starts[1]))["booked"]!);
        Assert.Equal(0, await SeatsOutOfStepAsync());
        await Events.WaitForAsync(e => e.Cancelled.Any(c => c.Event.BookingId == booking.Id), TimeSpan.FromSeconds(30));
        Assert.Equal(movedFirst ? 2 : 1, Assert.Single(Events.Cancelled, c => c.Event.BookingId == booking.Id).Event.CalendarSequence);
    }

    [Fact]
    public async Task A_move_to_a_time_the_patient_already_has_is_refused_and_takes_no_seat()
    {
        var (date, starts) = await FreshStartsAsync(YourDentist, count: 2);
        var email = BookingApiDriver.NewPatientEmail();
        var booked = new List<Booked>();
        foreach (var start in starts)
        {
            var (status, body) = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, email));
            Assert.Equal(201, status);
            booked.Add(new Booked((Guid)body["id"]!, (string)body["manageToken"]!, start));
        }

        var refused = await MoveAsync(booked[1].Id, booked[1].Token, starts[0]);

        Assert.Equal((409, "patient-already-booked"), (refused.Status, (string?)refused.Body["reasonCode"]));
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(YourDentist, date, starts[0]))["booked"]!);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(YourDentist, date, starts[1]))["booked"]!);
        Assert.Equal(0, await SeatsOutOfStepAsync());
    }

    [Fact]
    public async Task A_move_is_refused_with_a_reason_for_a_time_that_does_not_exist_or_after_a_cancellation()
    {
        var (_, start) = await FreshStartAsync(YourDentist);
        var booking = await BookAsync(YourDentist, start);

        var noSuchTime = await MoveAsync(booking.Id, booking.Token, start.AddMinutes(10));
        var missing = await PostAsync($"/api/bookings/{booking.Id}/move", booking.Token, new { });
        var local = await PostAsync($"/api/bookings/{booking.Id}/move", booking.Token, new { start = start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ss") });
        await CancelAsync(booking.Id, booking.Token);
        var afterCancellation = await MoveAsync(booking.Id, booking.Token, start.AddMinutes(30));

        Assert.Equal((409, "no-such-slot"), (noSuchTime.Status, (string?)noSuchTime.Body["reasonCode"]));
        Assert.Equal(400, missing.Status);
        Assert.NotNull(missing.Body["errors"]!["start"]);
        Assert.Equal(400, local.Status);
        Assert.Contains("offset", (string?)local.Body["errors"]!["start"]![0]);
        Assert.Equal((409, "cancelled"), (afterCancellation.Status, (string?)afterCancellation.Body["reasonCode"]));
    }

    [Fact]
    public async Task A_move_to_a_time_inside_the_cutoff_is_refused_and_the_manage_answer_says_where_moves_may_start()
    {
        await using var strict = await new BookingApiFactory(Resources, new Dictionary<string, string?>
        {
            ["Booking:CancellationCutoffHours"] = (24 * 5).ToString(),
        }).StartedAsync();
        var driver = new BookingApiDriver(strict.CreateClient());
        var (_, start) = await driver.FindBookableSlotAsync(YourDentist, daysAhead: 8);
        var booking = await BookAsync(YourDentist, start, driver);
        var (soonDate, soon) = await driver.FindBookableSlotAsync(YourDentist, daysAhead: 1);
        Assert.True(soon < DateTimeOffset.UtcNow.AddDays(5), "A free time within the cutoff's five days");

        var bookedBefore = (int)(await driver.GetSlotAsync(YourDentist, soonDate, soon))["booked"]!;

        var askedFrom = DateTimeOffset.UtcNow;
        var managed = await GetManagedAsync(booking.Id, booking.Token, driver);
        var askedUntil = DateTimeOffset.UtcNow;
        var refused = await PostAsync($"/api/bookings/{booking.Id}/move", booking.Token, new { start = soon.ToString("O") }, driver);

        Assert.InRange(DateTimeOffset.Parse((string)managed.Body["movesStartAfter"]!, CultureInfo.InvariantCulture), askedFrom.AddDays(5), askedUntil.AddDays(5));
        Assert.Equal((409, "too-soon-to-move-to"), (refused.Status, (string?)refused.Body["reasonCode"]));
        Assert.Equal(bookedBefore, (int)(await driver.GetSlotAsync(YourDentist, soonDate, soon))["booked"]!);
    }

    [Fact]
    public async Task Inside_the_cutoff_nothing_changes_and_the_answer_says_whom_to_call()
    {
        await using var strict = await new BookingApiFactory(Resources, new Dictionary<string, string?>
        {
            ["Booking:CancellationCutoffHours"] = (24 * 14).ToString(),
        }).StartedAsync();
        var driver = new BookingApiDriver(strict.CreateClient());
        var (date, start) = await FreshStartAsync(YourDentist, driver: driver);
        var booking = await BookAsync(YourDentist, start, driver);

        var refused = await CancelAsync(booking.Id, booking.Token, driver);

        Assert.Equal(409, refused.Status);
        Assert.Equal("too-late-to-change", (string?)refused.Body["reasonCode"]);
        Assert.Contains("031-", (string?)refused.Body["detail"]);
        Assert.Equal(1, (int)(await driver.GetSlotAsync(YourDentist, date, start))["booked"]!);
        Assert.Null((await GetManagedAsync(booking.Id, booking.Token, driver)).Body["changeableUntil"]);
    }

    [Fact]
    public async Task A_reminder_is_written_once_per_appointment_time_and_never_for_a_cancelled_one()
    {
        var reminders = Api.Services.GetRequiredService<AppointmentReminders>();
        var (_, start) = await FreshStartAsync(YourDentist);
        var kept = await BookAsync(YourDentist, start);
        var cancelled = await BookAsync(YourDentist, start);
        await CancelAsync(cancelled.Id, cancelled.Token);

        var dueAt = start - TimeSpan.FromHours(23);
        await reminders.PublishDueAsync(dueAt, CancellationToken.None);
        await reminders.PublishDueAsync(dueAt, CancellationToken.None);

        await Events.WaitForAsync(e => e.Reminders.Any(r => r.Event.BookingId == kept.Id), TimeSpan.FromSeconds(30));
        var reminder = Assert.Single(Events.Reminders, r => r.Event.BookingId == kept.Id).Event;
        Assert.Equal(start, reminder.Appointment.StartUtc);
        Assert.DoesNotContain(Events.Reminders, r => r.Event.BookingId == cancelled.Id);
    }

    [Fact]
    public async Task An_appointment_booked_closer_to_its_start_than_the_reminder_lead_gets_no_reminder()
    {
        await using var longLead = await new BookingApiFactory(Resources, new Dictionary<string, string?>
        {
            ["Reminders:HoursBefore"] = (24 * 14).ToString(),
        }).StartedAsync();
        var driver = new BookingApiDriver(longLead.CreateClient());
        var (_, start) = await FreshStartAsync(YourDentist, driver: driver);
        var booking = await BookAsync(YourDentist, start, driver);

        await longLead.Services.GetRequiredService<AppointmentReminders>().PublishDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        // Looked at and done with, without a reminder.
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM booking_requests WHERE id = '{booking.Id}' AND reminder_done"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(Events.Reminders, r => r.Event.BookingId == booking.Id);
    }

    // Static: xUnit makes a new instance of the class for each test, and the tests share the class's database.
    private static readonly HashSet<DateTimeOffset> s_startsTaken = [];

    private async Task<(DateOnly Date, DateTimeOffset Start)> FreshStartAsync(int clinicId, BookingApiDriver? driver = null)
    {
        var (date, starts) = await FreshStartsAsync(clinicId, count: 1, driver);
        return (date, starts[0]);
    }

    /// <summary>Free starts no other test of this class has used, whose bookings would change their counts.</summary>
    private async Task<(DateOnly Date, DateTimeOffset[] Starts)> FreshStartsAsync(int clinicId, int count = 1, BookingApiDriver? driver = null)
    {
        driver ??= Driver;
        var (date, _) = await driver.FindBookableSlotAsync(clinicId, daysAhead: 2);
        for (var day = date; ; day = day.AddDays(1))
        {
            var fresh = (await driver.AvailableStartsAsync(clinicId, day)).Where(start => !s_startsTaken.Contains(start)).Take(count).ToArray();
            if (fresh.Length == count)
            {
                s_startsTaken.UnionWith(fresh);
                return (day, fresh);
            }
        }
    }

    private sealed record Booked(Guid Id, string Token, DateTimeOffset Start);

    private async Task<Booked> BookAsync(int clinicId, DateTimeOffset start, BookingApiDriver? driver = null)
    {
        var (status, body) = await (driver ?? Driver).PostBookingAsync(
            BookingApiDriver.BookingRequest(Guid.NewGuid(), clinicId, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
        return new Booked((Guid)body["id"]!, (string)body["manageToken"]!, start);
    }

    private Task<(int Status, JsonObject Body)> CancelAsync(Guid id, string? token, BookingApiDriver? driver = null) =>
        PostAsync($"/api/bookings/{id}/cancellation", token, body: null, driver);

    private Task<(int Status, JsonObject Body)> MoveAsync(Guid id, string token, DateTimeOffset start) =>
        PostAsync($"/api/bookings/{id}/move", token, new { start = start.ToString("O") });

    private async Task<(int Status, JsonObject Body)> GetManagedAsync(Guid id, string token, BookingApiDriver? driver = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{id}/manage");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request, driver);
    }

    private async Task<(int Status, JsonObject Body)> PostAsync(string path, string? token, object? body, BookingApiDriver? driver = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await SendAsync(request, driver);
    }

    private async Task<(int Status, JsonObject Body)> SendAsync(HttpRequestMessage request, BookingApiDriver? driver)
    {
        using var response = await (driver ?? Driver).Http.SendAsync(request);
        return ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>(JsonSerializerOptions.Web))!);
    }

    /// <summary>Slots whose seat counter differs from the confirmed bookings it counts.</summary>
    private Task<long> SeatsOutOfStepAsync() => CountAsync("""
        SELECT count(*) FROM slot_bookings AS slot
        WHERE slot.booked <> (SELECT count(*) FROM booking_requests AS b
                              WHERE b.clinic_id = slot.clinic_id AND b.start_utc = slot.start_utc AND b.status = 'confirmed')
        """);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Resources.BookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
