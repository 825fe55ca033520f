using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// SMTP through System.Net.Mail (MailKit is not in our package source), over connections kept open between emails by
/// <see cref="SmtpConnectionPool"/>.
/// </summary>
public sealed class SmtpEmailSender(SmtpSettings settings, SmtpConnectionPool connections, IOptions<EmailOptions> options) : IEmailSender
{
    /// <summary>The longest one attempt at an email may take, from renting a connection to the server's acceptance.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <see cref="SendAsync"/> may take: an attempt over a pooled connection that turned out broken, then one
    /// over a new one.
    /// </summary>
    public static readonly TimeSpan LongestSend = 2 * Deadline;

    /// <summary>
    /// System.Net.Mail's SendMailAsync blocks a thread-pool thread for part of every send. With fewer threads than
    /// concurrent sends, the pool adds threads at about one a second, and the notifier sends about 150 emails a second
    /// however many it may send at once; with a thread for each, about 500 (MailDev on loopback, 32 connections).
    /// </summary>
    public static void ReserveThreads(int concurrentSends)
    {
        ThreadPool.GetMinThreads(out var workerThreads, out var completionPortThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, concurrentSends + Environment.ProcessorCount), completionPortThreads);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var lease = connections.Rent(Deadline);
        if (lease.Reused)
        {
            try
            {
                await SendOverAsync(lease, message, cancellationToken);
                return;
            }
            catch (SmtpDeliveryException exception) when (exception.Failure == SmtpFailure.ConnectionFailed && !cancellationToken.IsCancellationRequested)
            {
                // The server may have closed the connection while it sat in the pool, which fails the first command,
                // before any of the email is sent; a new connection tells whether the server itself fails, and its
                // failure is the one reported. (A connection that broke in the instant between the end of the email and
                // the server's reply would make a duplicate here, as a retry would.) No other failure is sent again here:
                // after no answer the server may have accepted the email, and a reply is the server's word on it
                // whatever the connection.
            }

            lease = connections.RentNew(Deadline);
        }

        await SendOverAsync(lease, message, cancellationToken);
    }

    /// <summary>What a failed send says about the email: whether to send it again, and how soon.</summary>
    public static SmtpFailure Classify(SmtpException exception) =>
        IsConnectionFailure(exception.InnerException) || exception.StatusCode == SmtpStatusCode.ServiceNotAvailable
            ? SmtpFailure.ConnectionFailed
            : (int)exception.StatusCode is >= 500 and <= 599 && !RefusesTheSender(exception.StatusCode)
                ? SmtpFailure.Rejected
                : SmtpFailure.Transient;

    /// <summary>
    /// A refusal of our credentials, not of the email: 530 (authentication required, which is also what SmtpClient gets
    /// after a failed AUTH, since it goes on to MAIL FROM regardless), 534 and 535 (RFC 4954). Every email would get it
    /// until the relay's password is put right, so it is retried rather than put straight in the error queue.
    /// </summary>
    private static bool RefusesTheSender(SmtpStatusCode status) => (int)status is 530 or 534 or 535;

    /// <summary>The connection could not be made, broke, or its TLS handshake failed.</summary>
    private static bool IsConnectionFailure([NotNullWhen(true)] Exception? exception) => exception is SocketException or IOException or AuthenticationException;

    private async Task SendOverAsync(SmtpLease lease, EmailMessage message, CancellationToken cancellationToken)
    {
        // A new MailMessage per attempt: sending one reads its attachments' streams to the end.
        using var mail = ToMailMessage(message);
        var succeeded = false;
        try
        {
            await SendAsync(lease.Client, mail, cancellationToken);
            succeeded = true;
        }
        finally
        {
            connections.Return(lease, succeeded);
        }
    }

    private MailMessage ToMailMessage(EmailMessage message)
    {
        var mail = new MailMessage
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

        return mail;
    }

    private async Task SendAsync(SmtpClient client, MailMessage mail, CancellationToken cancellationToken)
    {
        // SendMailAsync ignores SmtpClient.Timeout: without a deadline of our own a server that stops answering would
        // hold the message (and its row lock in the ledger) until RabbitMQ's consumer timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await client.SendMailAsync(mail, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpDeliveryException($"SMTP server {settings} did not answer within {Deadline.TotalSeconds:0} s.", SmtpFailure.NoAnswer);
        }
        catch (SmtpException exception)
        {
            // A server's reply may quote the recipient's address; the status and any connection failure under it do not.
            var failure = Classify(exception);
            var connectionFailure = IsConnectionFailure(exception.InnerException)
                ? $" ({Describe(exception.InnerException)})"
                : "";
            throw new SmtpDeliveryException(
                $"SMTP server {settings} did not accept the email: {exception.StatusCode} ({(int)exception.StatusCode}){connectionFailure}" +
                (failure == SmtpFailure.Rejected ? ", a permanent refusal." : "."),
                failure);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            throw new SmtpDeliveryException($"SMTP server {settings} could not be reached: {Describe(exception)}.", SmtpFailure.ConnectionFailed);
        }
    }

    private static string Describe(Exception connectionFailure) => $"{connectionFailure.GetType().Name}: {connectionFailure.Message}";
}
