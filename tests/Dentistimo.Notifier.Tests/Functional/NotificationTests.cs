using Dentistimo.ServiceDefaults;
using System.Net;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dentistimo.Contracts;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Testing;
using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Notifier.IntegrationEvents;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Dentistimo.Notifier.Tests.Functional;

/// <summary>Booking outcomes, from BookingApi or published straight onto RabbitMQ, as the patient receives them in MailDev.</summary>
public sealed class NotificationTests : IClassFixture<IsolatedResources>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly IsolatedResources _resources;

    public NotificationTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task A_confirmation_and_a_rejection_arrive_in_the_patients_languages_with_Stockholm_times_reason_links_and_a_calendar_file()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);
        // Tooth Fairy Dentist has one dentist: the second request for the same slot is turned down as fully booked.
        var (date, start) = await driver.FindBookableSlotAsync(clinicId: 2);
        var (confirmedPatient, rejectedPatient) = (BookingApiDriver.NewPatientEmail(), BookingApiDriver.NewPatientEmail());

        var confirmed = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, confirmedPatient, "Åsa Öberg", "sv"));
        var rejected = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, rejectedPatient, "Bo Ek", "en"));
        Assert.Equal([201, 409], [confirmed.Status, rejected.Status]);

        var localStart = ClinicTime.ToLocal(start);
        var swedishDate = localStart.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("sv-SE"));
        var confirmation = Assert.Single(await inbox.WaitForAsync(confirmedPatient, 1, s_timeout));
        Assert.Equal(confirmedPatient, Assert.Single(confirmation.To ?? []).Address);
        Assert.Equal("bookings@dentistimo.com", Assert.Single(confirmation.From ?? []).Address);
        Assert.StartsWith("Bokning bekräftad: Tooth Fairy Dentist", confirmation.Subject);
        Assert.Contains($"{swedishDate} kl. {localStart:HH:mm}", confirmation.Subject);
        Assert.Contains("Slottskogen", confirmation.Text);
        Assert.Contains($"{localStart:HH:mm}–{localStart.AddMinutes(30):HH:mm}", confirmation.Text);
        Assert.Contains((string)confirmed.Body["reference"]!, confirmation.Text);
        Assert.Contains((string)confirmed.Body["reference"]!, confirmation.Html);
        Assert.Contains($"{NotificationScenario.PublicBaseUrl}/bookings/{(string)confirmed.Body["id"]!}?lang=sv", confirmation.Text);
        Assert.Equal($"<confirmation.{Guid.Parse((string)confirmed.Body["requestId"]!):N}@dentistimo.com>", confirmation.Header("message-id"));

        var calendarFile = Assert.Single(confirmation.Attachments ?? []);
        Assert.StartsWith("text/calendar", calendarFile.ContentType);
        var calendar = Unfold(await inbox.GetAttachmentAsync(confirmation, calendarFile));
        Assert.Equal("VCALENDAR", calendar["BEGIN"]);
        Assert.Equal(start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'"), calendar["DTSTART"]);
        Assert.Equal(start.AddMinutes(30).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'"), calendar["DTEND"]);
        Assert.Equal("Tooth Fairy Dentist\\, Slottskogen", calendar["LOCATION"]);
        Assert.Equal("57.685255;11.942625", calendar["GEO"]);

        var rejection = Assert.Single(await inbox.WaitForAsync(rejectedPatient, 1, s_timeout));
        Assert.Equal($"Appointment not booked: Tooth Fairy Dentist, {localStart.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))} at {localStart:HH:mm}", rejection.Subject);
        Assert.Contains("Someone booked that time just before you, and it is now full.", rejection.Text);
        Assert.Contains($"{NotificationScenario.PublicBaseUrl}/bookings/{(string)rejected.Body["booking"]!["id"]!}?lang=en", rejection.Text);
        Assert.Contains($"href=\"{NotificationScenario.PublicBaseUrl}/bookings/{(string)rejected.Body["booking"]!["id"]!}?lang=en\"", rejection.Html);
        Assert.Contains($"{NotificationScenario.PublicBaseUrl}/book?clinic=2&date={date:yyyy-MM-dd}&lang=en", rejection.Text);
        Assert.Contains($"{NotificationScenario.PublicBaseUrl}/book?clinic=2&amp;date={date:yyyy-MM-dd}&amp;lang=en", rejection.Html);
        Assert.Empty(rejection.Attachments ?? []);
    }

    [Fact]
    public async Task Requests_that_could_never_be_booked_send_no_email_and_only_decisions_on_a_real_slot_do()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 3, daysAhead: 9);
        var strangers = Enumerable.Range(0, 4).Select(_ => BookingApiDriver.NewPatientEmail()).ToList();

        var neverBookable = await Task.WhenAll(
            driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, new DateTimeOffset(9999, 12, 31, 6, 0, 0, TimeSpan.Zero), strangers[0])),
            driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, start.AddMinutes(15), strangers[1])),
            driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, new DateTimeOffset(2020, 1, 7, 8, 0, 0, TimeSpan.Zero), strangers[2])),
            driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 99, start, strangers[3])));
        // A time outside the years BookingApi takes is refused as bad input, an unknown clinic too; the others are decided.
        Assert.Equal([400, 409, 409, 400], neverBookable.Select(answer => answer.Status));
        Assert.Equal(["no-such-slot", "outside-booking-window"], neverBookable.Skip(1).Take(2).Select(answer => (string?)answer.Body["reasonCode"]));

        // A real decision made after them is emailed: once it has arrived, theirs would have too.
        var patient = BookingApiDriver.NewPatientEmail();
        Assert.Equal(201, (await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 3, start, patient))).Status);
        Assert.Single(await inbox.WaitForAsync(patient, 1, s_timeout));
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var stranger in strangers)
        {
            Assert.Empty(await inbox.ForRecipientAsync(stranger));
        }
    }

    [Fact]
    public async Task A_patient_over_the_limit_learns_why_by_email_in_their_language()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var patient = BookingApiDriver.NewPatientEmail();
        var (date, _) = await driver.FindBookableSlotAsync(clinicId: 4, daysAhead: 12);
        var starts = (await driver.AvailableStartsAsync(4, date)).Take(3).ToList();

        var statuses = new List<int>();
        foreach (var start in starts)
        {
            statuses.Add((await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 4, start, patient, "Åsa Öberg", "sv"))).Status);
        }

        Assert.Equal([201, 201, 409], statuses);
        var emails = await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(patient, 3, s_timeout);
        var rejection = Assert.Single(emails, email => email.Subject.StartsWith("Bokningen gick inte igenom", StringComparison.Ordinal));
        Assert.Contains("Du har redan så många kommande tider som en patient kan ha samtidigt", rejection.Text);
    }

    [Fact]
    public async Task A_patient_whose_email_domain_has_Swedish_letters_gets_the_confirmation()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 4, daysAhead: 6);
        var mailbox = $"patient-{Guid.NewGuid():N}";

        var confirmed = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 4, start, $"{mailbox}@tandläkare.se"));

        Assert.Equal(201, confirmed.Status);
        var confirmation = Assert.Single(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync($"{mailbox}@xn--tandlkare-z2a.se", 1, s_timeout));
        Assert.Contains((string)confirmed.Body["reference"]!, confirmation.Text);
    }

    [Fact]
    public async Task The_same_decision_delivered_four_times_at_once_under_two_message_ids_sends_one_email()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        var patient = BookingApiDriver.NewPatientEmail();
        var booking = NotificationScenario.Confirmed(patient);
        var (messageId, republishedMessageId) = (NewId.NextGuid(), NewId.NextGuid());

        await Task.WhenAll(
            bus.Publish(booking, context => context.MessageId = messageId),
            bus.Publish(booking, context => context.MessageId = messageId),
            bus.Publish(booking, context => context.MessageId = messageId),
            bus.Publish(booking, context => context.MessageId = republishedMessageId));

        await consumed.WaitUntilFinishedAsync(4, s_timeout);
        var received = await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(patient, 1, s_timeout);
        Assert.Single(received);
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, booking.RequestId));
    }

    [Fact]
    public async Task An_email_whose_record_was_lost_with_the_database_connection_is_not_sent_again_by_another_delivery_meanwhile()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var firstDelivery = notifier.Services.CreateAsyncScope();
        await using var secondDelivery = notifier.Services.CreateAsyncScope();
        var email = new EmailIdentity(EmailKind.Confirmation, Guid.NewGuid());
        var sends = 0;
        var order = new BookingEmailOrder(Guid.NewGuid(), BookingEmailOrder.ConfirmationSequence);
        SendOutcome? secondOutcome = null;

        var firstOutcome = await firstDelivery.ServiceProvider.GetRequiredService<SentEmailLedger>().SendOnceAsync(NewId.NextGuid(), email, order, async _ =>
        {
            sends++;
            // SMTP accepted; then PostgreSQL loses the connection, and the uncommitted record with it, before the commit.
            var connection = (NpgsqlConnection)firstDelivery.ServiceProvider.GetRequiredService<NotifierDbContext>().Database.GetDbConnection();
            await _resources.Servers.Postgres.TerminateSessionAsync(connection.ProcessID);

            // The event republished (the outbox's delete went with a crash too) arrives while the record is written again.
            secondOutcome = await secondDelivery.ServiceProvider.GetRequiredService<SentEmailLedger>().SendOnceAsync(NewId.NextGuid(), email, order, _ =>
            {
                sends++;
                return Task.CompletedTask;
            }, CancellationToken.None);
        }, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, firstOutcome);
        Assert.Equal(SendOutcome.SentBefore, secondOutcome);
        Assert.Equal(1, sends);
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, email.Id));
    }

    [Fact]
    public async Task An_event_that_cannot_be_rendered_goes_to_the_error_queue_at_once_with_its_reason_and_no_patient_data_in_the_headers()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        var patient = BookingApiDriver.NewPatientEmail();
        var rejection = NotificationScenario.Rejected(patient, reasonCode: "struck-by-lightning");

        await bus.Publish(rejection);

        var failed = Assert.Single(await new RabbitMqQueues(_resources).WaitForAsync(new DeliveryOptions().ErrorQueueName, 1, s_timeout));
        Assert.Contains("struck-by-lightning", failed.Headers["MT-Fault-Message"]);
        Assert.Contains(rejection.RequestId.ToString(), failed.Headers["MT-Fault-Message"]);
        Assert.EndsWith("EmailRenderingException", failed.Headers["MT-Fault-ExceptionType"]);
        // Rendering errors are not retried: waiting minutes could not make the reason known.
        Assert.False(failed.Headers.ContainsKey("MT-Fault-RetryCount") && failed.Headers["MT-Fault-RetryCount"] != "0");
        NotificationScenario.AssertHoldsNoPatientData(failed, patient);
        Assert.Contains(rejection.SealedRecipient!.Contact, failed.Payload); // the event itself is kept whole, so that it can be re-driven
        Assert.Equal(1, consumed.Finished);
        Assert.Empty(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).ForRecipientAsync(patient));
    }

    [Fact]
    public async Task A_cancellation_delivered_twice_sends_one_email_whose_calendar_file_cancels_the_entry()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        var patient = BookingApiDriver.NewPatientEmail();
        var cancellation = NotificationScenario.Cancelled(NotificationScenario.Confirmed(patient), calendarSequence: 1);
        var messageId = NewId.NextGuid();

        // Redelivered under its message id, and published again under another, as an outbox retry would.
        await bus.Publish(cancellation, context => context.MessageId = messageId);
        await bus.Publish(cancellation, context => context.MessageId = messageId);
        await bus.Publish(cancellation, context => context.MessageId = NewId.NextGuid());

        await consumed.WaitUntilFinishedAsync(3, s_timeout);
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);
        var email = Assert.Single(await inbox.WaitForAsync(patient, 1, s_timeout));
        Assert.StartsWith("Appointment cancelled: Your Dentist", email.Subject);
        Assert.Contains($"{NotificationScenario.PublicBaseUrl}/book?clinic=1&date=2026-12-01&lang=en", email.Text);
        Assert.Equal($"<cancellation.{cancellation.RequestId:N}@dentistimo.com>", email.Header("message-id"));
        var calendar = Unfold(await inbox.GetAttachmentAsync(email, Assert.Single(email.Attachments ?? [])));
        Assert.Equal(("CANCEL", "CANCELLED", "1"), (calendar["METHOD"], calendar["STATUS"], calendar["SEQUENCE"]));
        Assert.Equal($"booking-{cancellation.BookingId}@dentistimo.com", calendar["UID"]);
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, cancellation.RequestId));
    }

    [Fact]
    public async Task A_reminder_delivered_again_after_the_notifier_restarted_sends_one_email()
    {
        var patient = BookingApiDriver.NewPatientEmail();
        var reminder = NotificationScenario.ReminderDue(patient, DateTimeOffset.UtcNow.AddHours(20));
        var messageId = NewId.NextGuid();
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);

        await using (var first = await NotificationScenario.StartNotifierAsync(_resources))
        {
            // Published off the test's own flow: MassTransit keeps the bus's log context in an AsyncLocal that a publish
            // sets, and the restarted notifier's bus would pick up this one's, disposed by then.
            await Task.Run(() => first.Services.GetRequiredService<IBus>().Publish(reminder, context => context.MessageId = messageId));
            var email = Assert.Single(await inbox.WaitForAsync(patient, 1, s_timeout));
            Assert.StartsWith("Reminder: your dental appointment", email.Subject);
            Assert.Matches($@"{NotificationScenario.PublicBaseUrl}/bookings/{reminder.BookingId}/manage\?token=[A-Za-z0-9_-]{{43}}&lang=en", email.Text);
        }

        await using var restarted = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = restarted.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        await bus.Publish(reminder, context => context.MessageId = messageId);
        await bus.Publish(reminder, context => context.MessageId = NewId.NextGuid());

        await consumed.WaitUntilFinishedAsync(2, s_timeout);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await inbox.ForRecipientAsync(patient));
        Assert.Equal(1, await NotificationScenario.CountSentAsync(restarted, reminder.ReminderId));
    }

    [Fact]
    public async Task A_reminder_that_arrives_after_the_appointment_began_sends_nothing()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        var (latePatient, timelyPatient) = (BookingApiDriver.NewPatientEmail(), BookingApiDriver.NewPatientEmail());
        var late = NotificationScenario.ReminderDue(latePatient, DateTimeOffset.UtcNow.AddMinutes(-5));

        await bus.Publish(late);
        await bus.Publish(NotificationScenario.ReminderDue(timelyPatient, DateTimeOffset.UtcNow.AddHours(2)));

        await consumed.WaitUntilFinishedAsync(2, s_timeout);
        Assert.Single(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(timelyPatient, 1, s_timeout));
        Assert.Empty(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).ForRecipientAsync(latePatient));
        Assert.Equal(0, await NotificationScenario.CountSentAsync(notifier, late.ReminderId));
    }

    [Fact]
    public async Task A_moved_booking_is_emailed_with_a_calendar_file_that_replaces_the_confirmations_entry()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        var patient = BookingApiDriver.NewPatientEmail();
        var confirmed = NotificationScenario.Confirmed(patient);
        var move = NotificationScenario.Moved(confirmed, confirmed.Appointment.StartUtc.AddDays(1).AddHours(5), calendarSequence: 1);
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);

        await bus.Publish(confirmed);
        await inbox.WaitForAsync(patient, 1, s_timeout);
        await bus.Publish(move);

        var emails = await inbox.WaitForAsync(patient, 2, s_timeout);
        var confirmation = Assert.Single(emails, email => email.Subject.StartsWith("Appointment confirmed", StringComparison.Ordinal));
        var moved = Assert.Single(emails, email => email.Subject.StartsWith("Appointment moved", StringComparison.Ordinal));
        Assert.Contains("moved from Tuesday 1 December 2026 at 09:00", moved.Text);
        Assert.Matches($@"{NotificationScenario.PublicBaseUrl}/bookings/{move.BookingId}/manage\?token=[A-Za-z0-9_-]{{43}}&lang=en", moved.Text);
        Assert.Equal($"<move.{move.MoveId:N}@dentistimo.com>", moved.Header("message-id"));
        var before = Unfold(await inbox.GetAttachmentAsync(confirmation, Assert.Single(confirmation.Attachments ?? [])));
        var after = Unfold(await inbox.GetAttachmentAsync(moved, Assert.Single(moved.Attachments ?? [])));
        Assert.Equal(before["UID"], after["UID"]);
        Assert.Equal(("0", "1"), (before["SEQUENCE"], after["SEQUENCE"]));
        Assert.Equal("REQUEST", after["METHOD"]);
        Assert.Equal(move.Appointment.StartUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), after["DTSTART"]);
    }

    [Fact]
    public async Task An_email_held_up_until_a_later_one_about_its_booking_was_sent_sends_nothing()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        using var consumed = ConsumedMessages.Observe(bus);
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);
        var (cancelledPatient, movedPatient) = (BookingApiDriver.NewPatientEmail(), BookingApiDriver.NewPatientEmail());
        var cancelledBooking = NotificationScenario.Confirmed(cancelledPatient);
        var movedBooking = NotificationScenario.Confirmed(movedPatient);
        var reminder = NotificationScenario.ReminderDue(cancelledBooking, DateTimeOffset.UtcNow.AddDays(2), calendarSequence: 0);
        var laterMove = NotificationScenario.Moved(movedBooking, DateTimeOffset.UtcNow.AddDays(3), calendarSequence: 2);
        var earlierMove = NotificationScenario.Moved(movedBooking, DateTimeOffset.UtcNow.AddDays(4), calendarSequence: 1);

        // The later emails go out while the earlier ones are held up (by SMTP failing briefly, say) ...
        await bus.Publish(NotificationScenario.Cancelled(cancelledBooking, calendarSequence: 1));
        await bus.Publish(laterMove);
        await consumed.WaitUntilFinishedAsync(2, s_timeout);
        // ... and then arrive.
        await bus.Publish(cancelledBooking);
        await bus.Publish(reminder);
        await bus.Publish(earlierMove);
        await consumed.WaitUntilFinishedAsync(5, s_timeout);

        var cancellation = Assert.Single(await inbox.WaitForAsync(cancelledPatient, 1, s_timeout));
        Assert.StartsWith("Appointment cancelled", cancellation.Subject);
        var move = Assert.Single(await inbox.WaitForAsync(movedPatient, 1, s_timeout));
        Assert.Equal($"<move.{laterMove.MoveId:N}@dentistimo.com>", move.Header("message-id"));
        // The cancellation's row only: it shares the request id with the confirmation.
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, cancelledBooking.RequestId));
        Assert.Equal(0, await NotificationScenario.CountSentAsync(notifier, reminder.ReminderId));
        Assert.Equal(0, await NotificationScenario.CountSentAsync(notifier, earlierMove.MoveId));
    }

    [Fact]
    public async Task A_booking_confirmed_and_then_cancelled_gets_both_emails()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        var patient = BookingApiDriver.NewPatientEmail();
        var booking = NotificationScenario.Confirmed(patient);
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);

        await bus.Publish(booking);
        await inbox.WaitForAsync(patient, 1, s_timeout);
        await bus.Publish(NotificationScenario.Cancelled(booking, calendarSequence: 1));

        var emails = await inbox.WaitForAsync(patient, 2, s_timeout);
        Assert.Single(emails, email => email.Subject.StartsWith("Appointment confirmed", StringComparison.Ordinal));
        Assert.Single(emails, email => email.Subject.StartsWith("Appointment cancelled", StringComparison.Ordinal));
        Assert.Equal(2, await NotificationScenario.CountSentAsync(notifier, booking.RequestId));
    }

    /// <summary>Undoes RFC 5545 line folding; the value of each property's first occurrence by name.</summary>
    private static Dictionary<string, string> Unfold(string ics) =>
        ics.Replace("\r\n ", "").Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Name: line[..line.IndexOf(':')].Split(';')[0], Value: line[(line.IndexOf(':') + 1)..]))
            .DistinctBy(property => property.Name)
            .ToDictionary(property => property.Name, property => property.Value);
}

/// <summary>
/// A recipient the notifier cannot open is not dropped: its event waits in the error queue, with no patient data in it, until
/// the key is back. A class of its own, so that its error queue holds nothing from the other tests.
/// </summary>
public sealed class NotificationUnopenedRecipientTests : IClassFixture<IsolatedResources>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly IsolatedResources _resources;

    public NotificationUnopenedRecipientTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task An_event_sealed_with_a_key_the_notifier_does_not_hold_waits_in_the_error_queue_naming_the_request_and_the_key()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        var bus = notifier.Services.GetRequiredService<IBus>();
        var patient = BookingApiDriver.NewPatientEmail();
        var unknownKey = new RecipientSeal("a-key-this-notifier-has-never-held-0123456789");
        var booking = NotificationScenario.Confirmed(patient);
        booking = booking with { SealedRecipient = unknownKey.Seal(new BookingRecipient(NotificationScenario.PatientName, patient, "en"), booking.RequestId) };

        await bus.Publish(booking);

        var failed = Assert.Single(await new RabbitMqQueues(_resources).WaitForAsync(new DeliveryOptions().ErrorQueueName, 1, s_timeout));
        Assert.Contains(booking.RequestId.ToString(), failed.Headers["MT-Fault-Message"]);
        Assert.Contains(unknownKey.KeyId, failed.Headers["MT-Fault-Message"]);
        Assert.EndsWith("EmailRenderingException", failed.Headers["MT-Fault-ExceptionType"]);
        NotificationScenario.AssertHoldsNoPatientData(failed, patient);
        Assert.Empty(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).ForRecipientAsync(patient));
    }
}

/// <summary>SMTP goes away while a booking is made: the email waits, unacknowledged, and is sent once when SMTP is back.</summary>
[Collection(ServerOutageCollection.Name)]
public sealed class NotificationOutageTests : IClassFixture<IsolatedResources>
{
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(90);
    private readonly IsolatedResources _resources;

    public NotificationOutageTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task A_booking_made_while_SMTP_is_down_is_emailed_exactly_once_when_SMTP_returns()
    {
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        using var consumed = ConsumedMessages.Observe(notifier.Services.GetRequiredService<IBus>());
        var driver = new BookingApiDriver(api.CreateClient());
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 1, daysAhead: 4);
        var patient = BookingApiDriver.NewPatientEmail();
        var requestId = Guid.NewGuid();

        await _resources.Servers.MailDev.StopAsync();
        try
        {
            var booked = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestId, 1, start, patient));
            Assert.Equal(201, booked.Status);
            await Eventually.TrueAsync(() => consumed.Started >= 1, s_recovery, "the notifier to take the event");
            // Long enough for several attempts against the stopped server (retries are seconds apart in this test).
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(0, consumed.Finished);
            Assert.Equal(0, await NotificationScenario.CountSentAsync(notifier, requestId));
        }
        finally
        {
            await _resources.Servers.MailDev.StartAsync();
        }

        await consumed.WaitUntilFinishedAsync(1, s_recovery);
        var received = await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(patient, 1, s_recovery);
        Assert.Single(received);
        Assert.StartsWith("Appointment confirmed: Your Dentist", received[0].Subject);
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, requestId));
        Assert.Empty(await new RabbitMqQueues(_resources).PeekAsync(new DeliveryOptions().ErrorQueueName));
    }
}

/// <summary>
/// SMTP stays unreachable longer than the retries last: the event waits in the error queue until an operator re-drives it.
/// The first notifier is given an SMTP address nobody listens on rather than stopping MailDev, which other test runs share:
/// to the notifier that is the same refused connection.
/// </summary>
public sealed class NotificationRedriveTests : IClassFixture<IsolatedResources>
{
    private const string UnreachableMail = "Endpoint=smtp://127.0.0.1:9";
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(90);
    private readonly IsolatedResources _resources;

    public NotificationRedriveTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task When_the_retries_run_out_the_event_waits_in_the_error_queue_sealed_with_its_reason_and_a_re_drive_emails_it_once()
    {
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 1, daysAhead: 5);
        var queues = new RabbitMqQueues(_resources);
        var patient = BookingApiDriver.NewPatientEmail();
        var requestId = Guid.NewGuid();

        await using (await NotificationScenario.StartNotifierAsync(_resources, retryLimit: 2, mail: UnreachableMail))
        {
            var booked = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestId, 1, start, patient, NotificationScenario.PatientName));
            Assert.Equal(201, booked.Status);

            var failed = Assert.Single(await queues.WaitForAsync(new DeliveryOptions().ErrorQueueName, 1, s_recovery));
            Assert.EndsWith("SmtpDeliveryException", failed.Headers["MT-Fault-ExceptionType"]);
            Assert.Contains("smtp://127.0.0.1:9", failed.Headers["MT-Fault-Message"]);
            // What anyone with RabbitMQ's management UI reads: BookingApi sealed the patient's name and address.
            NotificationScenario.AssertHoldsNoPatientData(failed, patient);
            Assert.Contains(requestId.ToString(), failed.Payload);
            Assert.Contains("sealedRecipient", failed.Payload);
        }

        // SMTP is back: a notifier that reaches it.
        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources, retryLimit: 2);
        using var consumed = ConsumedMessages.Observe(notifier.Services.GetRequiredService<IBus>());
        using var redrive = await notifier.CreateAdminClient().PostAsync("/admin/error-queue/redrive", null);
        Assert.Equal(1, (int)(await redrive.Content.ReadFromJsonAsync<JsonObject>())!["moved"]!);
        await consumed.WaitUntilFinishedAsync(1, s_recovery);
        using var again = await notifier.CreateAdminClient().PostAsync("/admin/error-queue/redrive", null);
        Assert.Equal(0, (int)(await again.Content.ReadFromJsonAsync<JsonObject>())!["moved"]!);

        var email = Assert.Single(await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(patient, 1, s_recovery));
        Assert.Equal(NotificationScenario.PatientName, Assert.Single(email.To ?? []).Name);
        Assert.Contains($"Hello {NotificationScenario.PatientName},", email.Text);
        Assert.Empty(await queues.PeekAsync(new DeliveryOptions().ErrorQueueName));
        Assert.Equal(1, await NotificationScenario.CountSentAsync(notifier, requestId));
    }
}

/// <summary>
/// A failed event holds the patient's name and email address, sealed, so its error queue deletes it after a while; until
/// then an operator, and only an operator, can re-drive it.
/// </summary>
public sealed class NotificationErrorQueueTests : IClassFixture<IsolatedResources>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly IsolatedResources _resources;

    public NotificationErrorQueueTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task Failed_events_wait_in_an_error_queue_with_a_time_limit_until_an_operator_re_drives_them()
    {
        var queues = new RabbitMqQueues(_resources);
        var errorQueue = new DeliveryOptions { ErrorQueueRetentionDays = 7 }.ErrorQueueName;
        await using var notifier = await new NotifierFactory(_resources, new Dictionary<string, string?>
        {
            ["Delivery:ErrorQueueRetentionDays"] = "7",
        }).StartedAsync();

        await notifier.Services.GetRequiredService<IBus>().Publish(
            NotificationScenario.Rejected(BookingApiDriver.NewPatientEmail(), reasonCode: "struck-by-lightning"));

        Assert.Single(await queues.WaitForAsync(errorQueue, 1, s_timeout));
        Assert.Equal(TimeSpan.FromDays(7).TotalMilliseconds, (long)(await queues.ArgumentsAsync(errorQueue))["x-message-ttl"]!);

        // Without the operator key, from this site or another, nothing moves.
        using (var anonymous = await notifier.CreateClient().PostAsync("/admin/error-queue/redrive", null))
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, "/admin/error-queue/redrive"))
        {
            crossSite.Headers.Add("Origin", "https://evil.example");
            crossSite.Headers.Authorization = new("Bearer", "guessed");
            using var refused = await notifier.CreateClient().SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        Assert.Single(await queues.PeekAsync(errorQueue));
        using var redrive = await notifier.CreateAdminClient().PostAsync("/admin/error-queue/redrive", null);

        Assert.Equal(1, (int)(await redrive.Content.ReadFromJsonAsync<JsonObject>())!["moved"]!);
        Assert.Single(await queues.WaitForAsync(errorQueue, 1, s_timeout)); // failing again, back in the queue with the time limit
    }

    [Fact]
    public async Task Without_an_operator_key_configured_the_re_drive_answers_nobody()
    {
        await using var notifier = await new NotifierFactory(_resources, new Dictionary<string, string?> { ["Admin:ApiKey"] = "" }).StartedAsync();
        using var emptyKey = new HttpRequestMessage(HttpMethod.Post, "/admin/error-queue/redrive");
        emptyKey.Headers.TryAddWithoutValidation("Authorization", "Bearer ");

        using var anonymous = await notifier.CreateClient().PostAsync("/admin/error-queue/redrive", null);
        using var withEmptyKey = await notifier.CreateClient().SendAsync(emptyKey);
        using var withTheTestsKey = await notifier.CreateAdminClient().PostAsync("/admin/error-queue/redrive", null);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { anonymous, withEmptyKey, withTheTestsKey }.Select(response => response.StatusCode));
    }

    [Fact]
    public async Task An_event_no_consumer_takes_waits_in_a_skipped_queue_with_the_same_time_limit()
    {
        var queues = new RabbitMqQueues(_resources);
        var skippedQueue = new DeliveryOptions { ErrorQueueRetentionDays = 7 }.SkippedQueueName;
        await using var notifier = await new NotifierFactory(_resources, new Dictionary<string, string?>
        {
            ["Delivery:ErrorQueueRetentionDays"] = "7",
        }).StartedAsync();

        // Sent straight to the queue, as to one a notifier of another version bound to this type; with patient details in it.
        var endpoint = await notifier.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{BookingOutcomeQueue.Name}"));
        await endpoint.Send(new EventOfAnotherVersion(Guid.NewGuid(), NotificationScenario.PatientName));

        var skipped = Assert.Single(await queues.WaitForAsync(skippedQueue, 1, s_timeout));
        Assert.Contains(nameof(EventOfAnotherVersion), skipped.Payload);
        Assert.Equal(TimeSpan.FromDays(7).TotalMilliseconds, (long)(await queues.ArgumentsAsync(skippedQueue))["x-message-ttl"]!);
    }

    public sealed record EventOfAnotherVersion(Guid BookingId, string PatientName);
}
