using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.Email;

/// <summary>SMTP through System.Net.Mail: MailKit is not in our package source, and this is enough for one message per call.</summary>
public sealed class SmtpEmailSender(SmtpSettings settings, IOptions<EmailOptions> options) : IEmailSender
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var mail = new MailMessage
        {
            From = new MailAddress(options.Value.SenderAddress, options.Value.SenderName),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(message.RecipientAddress, message.RecipientName));
        mail.Headers.Add("Message-ID", message.MessageId);
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.TextBody, Encoding.UTF8, MediaTypeNames.Text.Plain));
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));
        foreach (var attachment in message.Attachments)
        {
            mail.Attachments.Add(new Attachment(new MemoryStream(attachment.Content), attachment.FileName, attachment.ContentType));
        }

        using var client = new SmtpClient(settings.Host, settings.Port) { EnableSsl = settings.UseTls, Timeout = (int)s_timeout.TotalMilliseconds };
        if (settings.Username is not null)
        {
            client.Credentials = new NetworkCredential(settings.Username, settings.Password);
        }

        // SendMailAsync ignores SmtpClient.Timeout: without a deadline of our own a server that stops answering would
        // hold the message (and its row lock in the ledger) until RabbitMQ's consumer timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_timeout);
        try
        {
            await client.SendMailAsync(mail, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpDeliveryException($"SMTP server {settings} did not answer within {s_timeout.TotalSeconds:0} s.");
        }
        catch (SmtpException exception)
        {
            // A server's reply may quote the recipient's address; the status and any connection failure under it do not.
            var connectionFailure = exception.InnerException is SocketException or IOException or AuthenticationException
                ? $" ({Describe(exception.InnerException)})"
                : "";
            throw new SmtpDeliveryException($"SMTP server {settings} did not accept the email: {exception.StatusCode}{connectionFailure}.");
        }
        catch (Exception exception) when (exception is SocketException or IOException or AuthenticationException)
        {
            throw new SmtpDeliveryException($"SMTP server {settings} could not be reached: {Describe(exception)}.");
        }
    }

    private static string Describe(Exception connectionFailure) => $"{connectionFailure.GetType().Name}: {connectionFailure.Message}";
}
