using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

/// <summary>What both booking-outcome handlers do with a rendered email: send it unless it was sent before, and say which.</summary>
public sealed class BookingOutcomeEmails(SentEmailLedger ledger, IEmailSender sender, ILogger<BookingOutcomeEmails> logger)
{
    public async Task SendOnceAsync(ConsumeContext context, Guid requestId, Guid? bookingId, EmailKind kind, EmailMessage email)
    {
        // MassTransit stamps every message it publishes; one published otherwise still gets one email per request and kind.
        var messageId = context.MessageId ?? NewId.NextGuid();
        var sent = await ledger.SendOnceAsync(messageId, requestId, kind, token => sender.SendAsync(email, token), context.CancellationToken);
        if (sent)
        {
            logger.LogInformation("The {Kind} email for request {RequestId} (booking {BookingId}, message {MessageId}) was accepted by SMTP",
                kind, requestId, bookingId, messageId);
        }
        else
        {
            logger.LogInformation("The {Kind} email for request {RequestId} (booking {BookingId}) was sent before; message {MessageId} sends nothing",
                kind, requestId, bookingId, messageId);
        }
    }
}
