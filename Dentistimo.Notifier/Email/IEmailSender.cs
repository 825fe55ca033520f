namespace Dentistimo.Notifier.Email;

public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// <param name="RequestId">The booking request the email tells the outcome of; an id that traces and logs may show.</param>
/// <param name="MessageId">The SMTP Message-ID, derived from the booking request so a resent email is recognisably the same.</param>
public sealed record EmailMessage(
    Guid RequestId,
    string MessageId,
    string RecipientName,
    string RecipientAddress,
    string Subject,
    string TextBody,
    string HtmlBody,
    IReadOnlyList<EmailAttachment> Attachments);

public interface IEmailSender
{
    /// <summary>
    /// Returns once the SMTP server has accepted the message. Throws <see cref="SmtpDeliveryException"/> when it did not,
    /// or did not say: after <see cref="SmtpFailure.NoAnswer"/> it may have.
    /// </summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
