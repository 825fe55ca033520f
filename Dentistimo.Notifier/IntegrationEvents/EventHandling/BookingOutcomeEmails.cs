using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class BookingOutcomeEmails(SentEmailLedger ledger, IEmailSender sender, ILogger<BookingOutcomeEmails> logger)
{
    public async Task SendOnceAsync(ConsumeContext context, EmailIdentity identity, Guid? bookingId, EmailMessage email)
    {
        // One published other than by MassTransit has no message id, and still gets one email per identity.
        var messageId = context.MessageId ?? NewId.NextGuid();
        var sent = await ledger.SendOnceAsync(messageId, identity, token => sender.SendAsync(email, token), context.CancellationToken);
        if (sent)
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}, message {MessageId}) was accepted by SMTP",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
        else
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}) was sent before, or is being sent for another delivery; message {MessageId} sends nothing",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
    }
}
