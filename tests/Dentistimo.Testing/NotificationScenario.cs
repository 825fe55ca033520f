using System.Globalization;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.Testing;

/// <summary>What the notification tests share: a notifier configured for tests, sample events, and a look into notifierdb.</summary>
public static class NotificationScenario
{
    public const string PublicBaseUrl = "https://dentistimo.test";
    public const string PatientName = "Ingegerd Hemligsdotter";

    /// <param name="retryLimit">
    /// The default outlasts any outage a test makes: about two minutes of retries, and still within RabbitMQ's consumer
    /// timeout were every attempt to take its longest (DeliveryOptions refuses more).
    /// </param>
    /// <param name="mail">ConnectionStrings:mail; null for the test's MailDev.</param>
    public static Task<NotifierFactory> StartNotifierAsync(IsolatedResources resources, int retryLimit = 60, string? mail = null) =>
        new NotifierFactory(resources, new Dictionary<string, string?>
        {
            ["Email:PublicBaseUrl"] = PublicBaseUrl,
            ["Delivery:RetryLimit"] = retryLimit.ToString(CultureInfo.InvariantCulture),
            // Seconds instead of minutes between attempts, so an outage test need not wait for production's backoff.
            ["Delivery:MaxRetryInterval"] = "00:00:02",
            ["Delivery:RetryIntervalDelta"] = "00:00:00.200",
            ["ConnectionStrings:mail"] = mail ?? resources.Mail,
        }).StartedAsync();

    /// <summary>What the notifier under test opens with: it runs in Development, as BookingApi does in these tests.</summary>
    private static readonly RecipientSeal s_seal = new(RecipientSealOptions.DevelopmentKey);

    public static BookingConfirmed Confirmed(string patient)
    {
        var requestId = Guid.NewGuid();
        return new(Guid.NewGuid(), requestId, "DT-TEST1", Appointment(), s_seal.Seal(new BookingRecipient(PatientName, patient, "en"), requestId));
    }

    public static BookingRejected Rejected(string patient, string reasonCode)
    {
        var requestId = Guid.NewGuid();
        return new(requestId, reasonCode, Appointment(), Guid.NewGuid(), s_seal.Seal(new BookingRecipient(PatientName, patient, "en"), requestId));
    }

    /// <summary>The cancellation of <paramref name="booking"/>, sealed as BookingApi seals it: with the booking's request id.</summary>
    public static BookingCancelled Cancelled(BookingConfirmed booking, int calendarSequence) =>
        new(booking.BookingId, booking.RequestId, booking.Reference, booking.Appointment, calendarSequence, booking.SealedRecipient!);

    public static BookingMoved Moved(BookingConfirmed booking, DateTimeOffset newStart, int calendarSequence) =>
        new(booking.BookingId, booking.RequestId, Guid.NewGuid(), booking.Reference,
            booking.Appointment with { StartUtc = newStart, EndUtc = newStart.AddMinutes(30) }, booking.Appointment.StartUtc,
            calendarSequence, booking.SealedRecipient!);

    public static AppointmentReminderDue ReminderDue(string patient, DateTimeOffset start) => ReminderDue(Confirmed(patient), start, calendarSequence: 0);

    /// <summary>A reminder of <paramref name="booking"/>, as if its appointment were at <paramref name="start"/>.</summary>
    public static AppointmentReminderDue ReminderDue(BookingConfirmed booking, DateTimeOffset start, int calendarSequence) =>
        new(booking.BookingId, booking.RequestId, Guid.NewGuid(), booking.Reference,
            booking.Appointment with { StartUtc = start, EndUtc = start.AddMinutes(30) }, calendarSequence, booking.SealedRecipient!);

    /// <summary>Neither the patient's email address (nor its unique local part) nor any part of their name, in the body or a header.</summary>
    public static void AssertHoldsNoPatientData(QueuedMessage message, string patientEmail)
    {
        var everything = string.Join("\n", message.Headers.Select(header => $"{header.Key}: {header.Value}").Prepend(message.Payload));
        foreach (var part in PatientName.Split(' ').Append(patientEmail).Append(patientEmail[..patientEmail.IndexOf('@')]))
        {
            Assert.DoesNotContain(part, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    public static async Task<int> CountSentAsync(NotifierFactory notifier, Guid requestId)
    {
        await using var scope = notifier.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NotifierDbContext>().SentEmails.CountAsync(email => email.RequestId == requestId);
    }

    private static AppointmentDetails Appointment()
    {
        var start = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        return new AppointmentDetails(1, "Your Dentist", "Spannmålsgatan 20", 57.707619, 11.969388, start, start.AddMinutes(30));
    }
}
