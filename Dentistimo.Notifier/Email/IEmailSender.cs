namespace Dentistimo.Notifier.Email;

public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// <param name="MessageId">Derived from the email's identity, so a resent email is recognisably the same.</param>
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
    /// <summary>Throws <see cref="SmtpDeliveryException"/>; after <see cref="SmtpFailure.NoAnswer"/> the server may have accepted it.</summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
