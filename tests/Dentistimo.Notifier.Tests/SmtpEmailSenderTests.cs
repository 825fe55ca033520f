using System.Net;
using System.Net.Sockets;
using System.Text;
using Dentistimo.Notifier.Email;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dentistimo.Notifier.Tests;

public sealed class SmtpEmailSenderTests
{
    [Fact]
    public async Task An_unreachable_server_fails_with_a_message_naming_the_server_and_no_inner_exception_or_patient_data()
    {
        var (sender, connections) = SenderTo(ClosedPort());
        await using var _ = connections;
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed());

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(email, CancellationToken.None));

        // MassTransit puts the innermost exception into the error-queue headers, so there must be none under ours.
        Assert.Null(exception.InnerException);
        Assert.Equal(SmtpFailure.ConnectionFailed, exception.Failure);
        Assert.Contains("smtp://127.0.0.1:", exception.Message);
        Assert.DoesNotContain("asa@example.com", exception.Message);
    }

    [Theory]
    [InlineData(SmtpStatusCode.MailboxUnavailable, SmtpFailure.Rejected)] // 550
    [InlineData(SmtpStatusCode.MailboxNameNotAllowed, SmtpFailure.Rejected)] // 553
    [InlineData(SmtpStatusCode.SyntaxError, SmtpFailure.Rejected)] // 501
    [InlineData(SmtpStatusCode.TransactionFailed, SmtpFailure.Rejected)] // 554
    [InlineData(SmtpStatusCode.MailboxBusy, SmtpFailure.Transient)] // 450
    [InlineData(SmtpStatusCode.ErrorInProcessing, SmtpFailure.Transient)] // 451
    [InlineData(SmtpStatusCode.InsufficientStorage, SmtpFailure.Transient)] // 452
    [InlineData(SmtpStatusCode.ServiceNotAvailable, SmtpFailure.ConnectionFailed)] // 421: the server is closing the connection
    [InlineData(SmtpStatusCode.AuthenticationRequired, SmtpFailure.Transient)] // 530: authentication required, also after a revoked password
    [InlineData(SmtpStatusCode.AuthenticationMechanismTooWeak, SmtpFailure.Transient)] // 534
    [InlineData(SmtpStatusCode.AuthenticationInvalidCredentials, SmtpFailure.Transient)] // 535: the relay's settings, not the email
    public void A_5xx_reply_is_a_permanent_refusal_unless_it_refuses_our_credentials_and_anything_else_may_go_through_later(SmtpStatusCode status, SmtpFailure expected)
    {
        Assert.Equal(expected, SmtpEmailSender.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, status, "reply")));
    }

    public static TheoryData<Exception, SmtpFailure> OtherFailures => new()
    {
        { new IOException("Unable to read data from the transport connection"), SmtpFailure.ConnectionFailed },
        { new SocketException((int)SocketError.ConnectionReset), SmtpFailure.ConnectionFailed },
        { new SmtpProtocolException("The SMTP server has unexpectedly disconnected."), SmtpFailure.ConnectionFailed },
        { new SslHandshakeException("certificate not trusted"), SmtpFailure.ConnectionFailed },
        { new TimeoutException(), SmtpFailure.NoAnswer },
        { new ServiceNotAuthenticatedException("5.7.0 Authentication required"), SmtpFailure.Transient },
        { new AuthenticationException("535: 5.7.8 bad credentials"), SmtpFailure.Transient },
        { new NotSupportedException("The SMTP server does not support the STARTTLS extension."), SmtpFailure.Transient },
    };

    [Theory]
    [MemberData(nameof(OtherFailures))]
    public void A_broken_connection_is_a_connection_failure_and_a_refusal_of_our_credentials_or_setup_may_go_through_later(Exception exception, SmtpFailure expected)
    {
        Assert.Equal(expected, SmtpEmailSender.Classify(exception));
    }

    [Theory]
    [InlineData("RCPT", "451 4.3.0 local error in processing", SmtpFailure.Transient)]
    [InlineData("RCPT", "450 4.2.1 mailbox busy", SmtpFailure.Transient)]
    [InlineData("RCPT", "550 5.1.1 <asa@example.com>: no such mailbox", SmtpFailure.Rejected)]
    [InlineData("RCPT", "553 5.1.3 <asa@example.com>: bad address", SmtpFailure.Rejected)]
    [InlineData("RCPT", "421 4.7.0 closing connection", SmtpFailure.ConnectionFailed)]
    [InlineData("MAIL", "530 5.7.0 Authentication required", SmtpFailure.Transient)]
    [InlineData("MAIL", "554 5.7.1 refused by policy", SmtpFailure.Rejected)]
    [InlineData("AUTH", "535 5.7.8 Invalid username or password", SmtpFailure.Transient)]
    [InlineData("AUTH", "454 4.7.0 Temporary authentication failure", SmtpFailure.Transient)]
    public async Task A_reply_from_a_real_conversation_is_classified_and_never_quoted(string command, string reply, SmtpFailure expected)
    {
        await using var server = new ScriptedSmtpServer(
            recipientReplies: _ => command == "RCPT" ? reply : "250 ok",
            senderReplies: _ => command == "MAIL" ? reply : "250 ok",
            authReply: command == "AUTH" ? reply : "235 2.7.0 ok");
        var (sender, connections) = SenderTo(server.Port, username: "dentistimo", password: "s3cret");
        await using var _ = connections;

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(Email(), CancellationToken.None));

        Assert.Equal(expected, exception.Failure);
        Assert.Equal(expected == SmtpFailure.Rejected, exception.IsPermanent);
        Assert.Contains($"({reply[..3]})", exception.Message);
        Assert.DoesNotContain("asa@example.com", exception.Message);
        Assert.Null(exception.InnerException);
        Assert.Equal(0, server.Accepted);
        Assert.Equal(command == "RCPT" ? 1 : 0, server.RecipientCommands); // nothing asked of the server past the refusal
    }

    [Fact]
    public async Task Credentials_go_to_a_server_that_offers_AUTH_and_the_email_follows()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok", authReply: "235 2.7.0 ok");
        var (sender, connections) = SenderTo(server.Port, username: "dentistimo", password: "s3cret");
        await using var _ = connections;

        await sender.SendAsync(Email(), CancellationToken.None);
        await sender.SendAsync(Email(), CancellationToken.None);

        Assert.Equal(2, server.Accepted);
        Assert.Equal(1, server.AuthCommands); // logged in once, on the one connection both emails went over
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_server_that_offers_no_STARTTLS_when_it_is_asked_for_gets_nothing_and_may_be_tried_again()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        var settings = new SmtpSettings("127.0.0.1", server.Port, StartTls: true, "dentistimo", "s3cret");
        await using var connections = new SmtpConnectionPool(settings, TimeProvider.System, maxConnections: 4);
        var sender = new SmtpEmailSender(settings, connections, Options.Create(new EmailOptions()), TimeProvider.System);

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(Email(), CancellationToken.None));

        Assert.Equal(SmtpFailure.Transient, exception.Failure);
        Assert.Contains("STARTTLS", exception.Message);
        Assert.Equal(0, server.RecipientCommands);
    }

    [Fact]
    public async Task A_refusal_over_a_pooled_connection_is_permanent_and_not_sent_again_on_a_new_one()
    {
        await using var server = new ScriptedSmtpServer(recipientCommand => recipientCommand == 1 ? "250 ok" : "550 5.1.1 no such mailbox");
        var (sender, connections) = SenderTo(server.Port);
        await using var _ = connections;
        await sender.SendAsync(Email(), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(Email(), CancellationToken.None));

        Assert.True(exception.IsPermanent);
        Assert.Contains("MailboxUnavailable (550)", exception.Message);
        Assert.Equal(2, server.RecipientCommands);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_temporary_refusal_over_a_pooled_connection_is_left_to_the_retries_not_sent_again_at_once()
    {
        await using var server = new ScriptedSmtpServer(recipientCommand => recipientCommand == 1 ? "250 ok" : "450 4.2.1 mailbox busy");
        var (sender, connections) = SenderTo(server.Port);
        await using var _ = connections;
        await sender.SendAsync(Email(), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(Email(), CancellationToken.None));

        Assert.False(exception.IsPermanent);
        Assert.Equal(2, server.RecipientCommands);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_pooled_connection_the_server_closed_is_replaced_and_the_email_sent_once()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok", closeAfterEachEmail: true);
        var (sender, connections) = SenderTo(server.Port);
        await using var _ = connections;
        await sender.SendAsync(Email(), CancellationToken.None);
        await Task.Delay(100); // the server's close reaches the pooled client

        await sender.SendAsync(Email(), CancellationToken.None);

        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task The_confirmation_reaches_the_server_with_its_headers_both_bodies_and_the_calendar_file_as_rendered()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        var (sender, connections) = SenderTo(server.Port);
        await using var _ = connections;
        var email = Email();

        await sender.SendAsync(email, CancellationToken.None);

        using var received = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Assert.Single(server.Emails))));
        Assert.Equal("\"Dentistimo\" <bookings@dentistimo.com>", received.From.ToString());
        var to = Assert.IsType<MailboxAddress>(Assert.Single(received.To));
        Assert.Equal(("Åsa Öberg", "asa@example.com"), (to.Name, to.Address));
        Assert.Equal(email.Subject, received.Subject);
        Assert.Equal(email.MessageId, $"<{received.MessageId}>");
        Assert.Equal(email.TextBody.ReplaceLineEndings(), received.TextBody?.ReplaceLineEndings());
        Assert.Equal(email.HtmlBody.ReplaceLineEndings(), received.HtmlBody?.ReplaceLineEndings());

        var mixed = Assert.IsType<Multipart>(received.Body);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        var alternative = Assert.IsType<MultipartAlternative>(mixed[0]);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
        var calendar = Assert.IsAssignableFrom<MimePart>(mixed[1]);
        var rendered = Assert.Single(email.Attachments);
        Assert.True(calendar.IsAttachment);
        Assert.Equal(ContentEncoding.Base64, calendar.ContentTransferEncoding);
        Assert.Equal((AppointmentCalendar.FileName, "text/calendar", "PUBLISH", "utf-8"),
            (calendar.FileName, calendar.ContentType.MimeType, calendar.ContentType.Parameters["method"], calendar.ContentType.Charset));
        using var content = new MemoryStream();
        Assert.NotNull(calendar.Content);
        await calendar.Content.DecodeToAsync(content);
        Assert.Equal(rendered.Content, content.ToArray());
    }

    [Fact]
    public async Task A_rejection_has_no_attachment_so_its_two_bodies_are_the_whole_email()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        var (sender, connections) = SenderTo(server.Port);
        await using var _ = connections;

        await sender.SendAsync(TestBookings.Renderer().RenderRejection(TestBookings.Rejected("fully-booked")), CancellationToken.None);

        using var received = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Assert.Single(server.Emails))));
        var alternative = Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
    }

    private static (SmtpEmailSender Sender, SmtpConnectionPool Connections) SenderTo(int port, string? username = null, string? password = null)
    {
        var settings = new SmtpSettings("127.0.0.1", port, StartTls: false, username, password);
        var connections = new SmtpConnectionPool(settings, TimeProvider.System, maxConnections: 4);
        return (new SmtpEmailSender(settings, connections, Options.Create(new EmailOptions()), TimeProvider.System), connections);
    }

    private static EmailMessage Email() => TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed());

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
