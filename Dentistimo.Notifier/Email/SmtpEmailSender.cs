using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dentistimo.Notifier.Email;

public sealed class SmtpEmailSender(
    SmtpSettings settings,
    SmtpConnectionPool connections,
    IOptions<EmailOptions> options,
    TimeProvider timeProvider) : IEmailSender
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // A pooled connection that turned out broken, then a new one.
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
            // Safe to trace: our message names the server and the status, never the recipient.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.SetTag("error.type", exception.Failure.ToString());
            throw;
        }
    }

    // Ids only: the recipient's name and address stay out of traces.
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
            // A pooled connection the server closed fails at the first command, before any of the email is sent. No other
            // failure is resent here: after no answer the server may have accepted the email.
            await SendOnceAsync(mail, newConnection: true, cancellationToken);
        }
    }

    public static SmtpFailure? Classify(Exception exception) => exception switch
    {
        SmtpCommandException command => Classify(command.StatusCode),
        // 530 to MAIL, RCPT or DATA, as after a revoked password.
        ServiceNotAuthenticatedException => Classify(SmtpStatusCode.AuthenticationRequired),
        AuthenticationException => SmtpFailure.Transient,
        // No STARTTLS or AUTH offered: a configuration that may be put right.
        NotSupportedException => SmtpFailure.Transient,
        TimeoutException => SmtpFailure.NoAnswer,
        SmtpProtocolException or IOException or SocketException or SslHandshakeException => SmtpFailure.ConnectionFailed,
        _ => null,
    };

    public static SmtpFailure Classify(SmtpStatusCode status) =>
        status == SmtpStatusCode.ServiceNotAvailable // 421: the server is closing the connection
            ? SmtpFailure.ConnectionFailed
            : (int)status is >= 500 and <= 599 && !RefusesTheSender(status)
                ? SmtpFailure.Rejected
                : SmtpFailure.Transient;

    // A protocol error's message may quote a reply quoting the recipient's address, so only its kind is given.
    internal static string Describe(Exception connectionFailure) => connectionFailure is SmtpProtocolException
        ? $"{nameof(SmtpProtocolException)}: the server closed the connection or broke the protocol"
        : $"{connectionFailure.GetType().Name}: {connectionFailure.Message.ReplaceLineEndings(" ")}";

    // Credentials refused (RFC 4954): every email would get it until the password is put right, so it is retried.
    private static bool RefusesTheSender(SmtpStatusCode status) => (int)status is 530 or 534 or 535;

    private async Task SendOnceAsync(MimeMessage mail, bool newConnection, CancellationToken cancellationToken)
    {
        // MailKit's timeout bounds only each read and write; without ours a silent server would hold the message (and its
        // ledger row lock) until RabbitMQ's consumer timeout.
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

    // Null lets it through (our caller's cancellation, a bug). Never MailKit's message, which may quote the reply.
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
                // Base64, so the .ics's CRLF line folding arrives byte for byte.
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
