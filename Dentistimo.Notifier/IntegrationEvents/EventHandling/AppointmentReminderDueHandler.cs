using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class AppointmentReminderDueHandler(
    BookingEmailRenderer renderer,
    BookingOutcomeEmails emails,
    TimeProvider timeProvider,
    ILogger<AppointmentReminderDueHandler> logger) : IConsumer<AppointmentReminderDue>
{
    public Task Consume(ConsumeContext<AppointmentReminderDue> context)
    {
        var reminder = context.Message;
        // A reminder held up by an outage or re-driven from the error queue must not tell of a visit already past.
        if (reminder.Appointment is { } appointment && appointment.StartUtc <= timeProvider.GetUtcNow())
        {
            logger.LogInformation("The reminder {ReminderId} for booking {BookingId} arrived after the appointment began; it sends nothing",
                reminder.ReminderId, reminder.BookingId);
            return Task.CompletedTask;
        }

        return emails.SendOnceAsync(context, new EmailIdentity(EmailKind.Reminder, reminder.ReminderId),
            reminder.BookingId, reminder.CalendarSequence, renderer.RenderReminder(reminder));
    }
}
