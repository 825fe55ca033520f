using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

/// <summary>What every booking-email handler does with a rendered email: send it unless it was sent before, and say which.</summary>
public sealed class BookingOutcomeEmails(SentEmailLedger ledger, IEmailSender sender, ILogger<BookingOutcomeEmails> logger)
{
    /// <param name="identity">At most one email is sent per identity, whatever message ids its event arrives under.</param>
    public async Task SendOnceAsync(ConsumeContext context, EmailIdentity identity, Guid? bookingId, EmailMessage email)
    {
        // MassTransit stamps every message it publishes; one published otherwise still gets one email per identity.
        var messageId = context.MessageId ?? NewId.NextGuid();
        var sent = await ledger.SendOnceAsync(messageId, identity, token => sender.SendAsync(email, token), context.CancellationToken);
        if (sent)
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}, message {MessageId}) was accepted by SMTP",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
        else
        {
            logger.LogInformation("The {Kind} email {EmailId} for request {RequestId} (booking {BookingId}) was sent before; message {MessageId} sends nothing",
                identity.Kind, identity.Id, email.RequestId, bookingId, messageId);
        }
    }
}
