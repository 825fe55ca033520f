using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dentistimo.Notifier.Email;

/// <summary>SMTP through MailKit, over connections kept open between emails by <see cref="SmtpConnectionPool"/>.</summary>
public sealed class SmtpEmailSender(
    SmtpSettings settings,
    SmtpConnectionPool connections,
    IOptions<EmailOptions> options,
    TimeProvider timeProvider) : IEmailSender
{
    /// <summary>The longest one attempt at an email may take, from renting a connection to the server's acceptance.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <see cref="SendAsync"/> may take: an attempt over a pooled connection that turned out broken, then one
    /// over a new one.
    /// </summary>
    public static readonly TimeSpan LongestSend = 2 * Deadline;

    private static readonly ActivitySource s_activitySource = new("Dentistimo.Notifier.Email");

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var activity = StartSendActivity(message);
        try
        {
            await SendWithOneReconnectAsync(message, cancellationToken);
        }
        catch (SmtpDeliveryException exception)
        {
            // Our message names the server and the status only, never the recipient (ToDeliveryException).
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.SetTag("error.type", exception.Failure.ToString());
            throw;
        }
    }

    /// <summary>
    /// The SMTP server as a client span's peer, so the send shows in the trace of the event that caused it. Ids only:
    /// the recipient's name and address stay out of traces.
    /// </summary>
    private Activity? StartSendActivity(EmailMessage message)
    {
        var activity = s_activitySource.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", settings.Host);
        activity?.SetTag("server.port", settings.Port);
        activity?.SetTag("dentistimo.request_id", message.RequestId);
        return activity;
    }

    private async Task SendWithOneReconnectAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var mail = ToMimeMessage(message);
        try
        {
            await SendOnceAsync(mail, newConnection: false, cancellationToken);
        }
        catch (SmtpDeliveryException exception) when (exception is { Failure: SmtpFailure.ConnectionFailed, OverReusedConnection: true } &&
                                                       !cancellationToken.IsCancellationRequested)
        {
            // The server may have closed the connection while it sat in the pool, which fails the first command,
            // before any of the email is sent; a new connection tells whether the server itself fails, and its
            // failure is the one reported. (A connection that broke in the instant between the end of the email and
            // the server's reply would make a duplicate here, as a retry would.) No other failure is sent again here:
            // after no answer the server may have accepted the email, and a reply is the server's word on it
            // whatever the connection.
            await SendOnceAsync(mail, newConnection: true, cancellationToken);
        }
    }

    /// <summary>What a failed send says about the email: whether to send it again, and how soon. Null when it is no SMTP failure.</summary>
    public static SmtpFailure? Classify(Exception exception) => exception switch
    {
        SmtpCommandException command => Classify(command.StatusCode),
        // MailKit's word for a 530 to MAIL, RCPT or DATA: authentication required, as after a revoked password.
        ServiceNotAuthenticatedException => Classify(SmtpStatusCode.AuthenticationRequired),
        // AUTH refused (535, 534, or a mechanism failed): the relay's settings, not the email.
        AuthenticationException => SmtpFailure.Transient,
        // No STARTTLS or no AUTH mechanism offered: the server's configuration or ours, which may be put right.
        NotSupportedException => SmtpFailure.Transient,
        TimeoutException => SmtpFailure.NoAnswer,
        SmtpProtocolException or IOException or SocketException or SslHandshakeException => SmtpFailure.ConnectionFailed,
        _ => null,
    };

    /// <summary>What an SMTP reply says about the email.</summary>
    public static SmtpFailure Classify(SmtpStatusCode status) =>
        status == SmtpStatusCode.ServiceNotAvailable // 421: the server is closing the connection
            ? SmtpFailure.ConnectionFailed
            : (int)status is >= 500 and <= 599 && !RefusesTheSender(status)
                ? SmtpFailure.Rejected
                : SmtpFailure.Transient;

    /// <summary>
    /// A connection failure as logs may show it. A protocol error's message may quote the server's last reply, which
    /// may quote the recipient's address, so only its kind is given.
    /// </summary>
    internal static string Describe(Exception connectionFailure) => connectionFailure is SmtpProtocolException
        ? $"{nameof(SmtpProtocolException)}: the server closed the connection or broke the protocol"
        : $"{connectionFailure.GetType().Name}: {connectionFailure.Message.ReplaceLineEndings(" ")}";

    /// <summary>
    /// A refusal of our credentials, not of the email: 530 (authentication required, which is also what a session
    /// gets after its password was revoked), 534 and 535 (RFC 4954). Every email would get it until the relay's
    /// password is put right, so it is retried rather than put straight in the error queue.
    /// </summary>
    private static bool RefusesTheSender(SmtpStatusCode status) => (int)status is 530 or 534 or 535;

    private async Task SendOnceAsync(MimeMessage mail, bool newConnection, CancellationToken cancellationToken)
    {
        // Without a deadline of our own a server that stops answering would hold the message (and its row lock in
        // the ledger) until RabbitMQ's consumer timeout; MailKit's own timeout bounds only each read and write.
        using var deadline = new CancellationTokenSource(Deadline, timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        SmtpLease? lease = null;
        var succeeded = false;
        try
        {
            lease = newConnection ? await connections.RentNewAsync(attempt.Token) : await connections.RentAsync(attempt.Token);
            await lease.Value.Client.SendAsync(mail, attempt.Token);
            succeeded = true;
        }
        catch (Exception exception) when (ToDeliveryException(exception, lease?.Reused == true, cancellationToken) is { } deliveryException)
        {
            throw deliveryException;
        }
        finally
        {
            if (lease is { } rented)
            {
                connections.Return(rented, succeeded);
            }
        }
    }

    /// <summary>
    /// Our exception for a failed attempt, or null for one to let through (our caller's cancellation, a bug). Its message
    /// holds the server, the status and any connection failure, never MailKit's message, which may quote the reply.
    /// </summary>
    private SmtpDeliveryException? ToDeliveryException(Exception exception, bool overReusedConnection, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException or TimeoutException)
        {
            return cancellationToken.IsCancellationRequested
                ? null
                : new SmtpDeliveryException($"SMTP server {settings} did not answer within {Deadline.TotalSeconds:0} s.", SmtpFailure.NoAnswer);
        }

        if (Classify(exception) is not { } failure)
        {
            return null;
        }

        var status = exception switch
        {
            SmtpCommandException command => command.StatusCode,
            ServiceNotAuthenticatedException => SmtpStatusCode.AuthenticationRequired,
            AuthenticationException { InnerException: SmtpCommandException command } => command.StatusCode,
            _ => (SmtpStatusCode?)null,
        };
        var message = (exception, status) switch
        {
            (AuthenticationException, { } code) => $"SMTP server {settings} refused our credentials: {code} ({(int)code}).",
            (AuthenticationException, null) => $"SMTP server {settings} refused our credentials.",
            (_, { } code) => $"SMTP server {settings} did not accept the email: {code} ({(int)code})" +
                              (failure == SmtpFailure.Rejected ? ", a permanent refusal." : "."),
            (NotSupportedException, _) => $"SMTP server {settings} cannot be used as configured: {exception.Message}",
            _ => $"SMTP server {settings} could not be reached: {Describe(exception)}.",
        };
        return new SmtpDeliveryException(message, failure) { OverReusedConnection = overReusedConnection };
    }

    private MimeMessage ToMimeMessage(EmailMessage message)
    {
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        foreach (var attachment in message.Attachments)
        {
            body.Attachments.Add(new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(new MemoryStream(attachment.Content, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                // Base64, so the .ics arrives byte for byte, its CRLF line folding included.
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        }

        var mail = new MimeMessage
        {
            MessageId = message.MessageId,
            Date = timeProvider.GetLocalNow(),
            Subject = message.Subject,
            Body = body.ToMessageBody(),
        };
        mail.From.Add(new MailboxAddress(options.Value.SenderName, options.Value.SenderAddress));
        mail.To.Add(new MailboxAddress(message.RecipientName, message.RecipientAddress));
        return mail;
    }
}
