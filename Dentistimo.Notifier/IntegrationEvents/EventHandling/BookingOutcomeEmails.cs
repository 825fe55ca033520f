using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class BookingOutcomeEmails(SentEmailLedger ledger, IEmailSender sender, ILogger<BookingOutcomeEmails> logger)
{
    /// <param name="calendarSequence">
    /// The booking's, as the email's calendar file carries it (<see cref="BookingEmailOrder"/>); null for a rejection,
    /// which is about no booking that stands.
    /// </param>
    public async Task SendOnceAsync(ConsumeContext context, EmailIdentity identity, Guid bookingId, int? calendarSequence, EmailMessage email)
    {
        var order = calendarSequence is { } sequence ? new BookingEmailOrder(bookingId, sequence) : null;
        // One published other than by MassTransit has no message id, and still gets one email per identity.
        var messageId = context.MessageId ?? NewId.NextGuid();
        var outcome = await ledger.SendOnceAsync(messageId, identity, order, token => sender.SendAsync(email, token), context.CancellationToken);
        if (outcome.WasSent)
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}, message {MessageId}) was accepted by SMTP",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
        else if (outcome.SupersededBy is { } later)
        {
            logger.LogInformation(
                "The {Kind} email {EmailId} for booking {BookingId} (calendar sequence {CalendarSequence}) is superseded by the {SentKind} email {SentEmailId} (calendar sequence {SentCalendarSequence}) sent before; message {MessageId} sends nothing",
                identity.Kind, identity.Id, bookingId, calendarSequence, later.Kind, later.RequestId, later.CalendarSequence, messageId);
        }
        else
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}) was sent before, or is being sent for another delivery; message {MessageId} sends nothing",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
    }
}
