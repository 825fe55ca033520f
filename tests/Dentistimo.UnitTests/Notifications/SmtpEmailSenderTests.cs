using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using Dentistimo.Notifier.Email;
using Microsoft.Extensions.Options;

namespace Dentistimo.UnitTests.Notifications;

public sealed class SmtpEmailSenderTests
{
    [Fact]
    public async Task An_unreachable_server_fails_with_a_message_naming_the_server_and_no_inner_exception_or_patient_data()
    {
        var settings = new SmtpSettings("127.0.0.1", ClosedPort(), StartTls: false, null, null);
        using var connections = new SmtpConnectionPool(settings, TimeProvider.System);
        var sender = new SmtpEmailSender(settings, connections, Options.Create(new EmailOptions()));
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed());

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(email, CancellationToken.None));

        // MassTransit puts the innermost exception into the error-queue headers, so there must be none under ours.
        Assert.Null(exception.InnerException);
        Assert.Contains("smtp://127.0.0.1:", exception.Message);
        Assert.DoesNotContain("asa@example.com", exception.Message);
    }

    [Theory]
    [InlineData(SmtpStatusCode.MailboxUnavailable, SmtpFailure.Rejected)] // 550
    [InlineData(SmtpStatusCode.MailboxNameNotAllowed, SmtpFailure.Rejected)] // 553
    [InlineData(SmtpStatusCode.SyntaxError, SmtpFailure.Rejected)] // 501
    [InlineData(SmtpStatusCode.TransactionFailed, SmtpFailure.Rejected)] // 554
    [InlineData(SmtpStatusCode.MailboxBusy, SmtpFailure.Transient)] // 450
    [InlineData(SmtpStatusCode.LocalErrorInProcessing, SmtpFailure.Transient)] // 451
    [InlineData(SmtpStatusCode.InsufficientStorage, SmtpFailure.Transient)] // 452
    [InlineData(SmtpStatusCode.GeneralFailure, SmtpFailure.Transient)]
    [InlineData(SmtpStatusCode.ServiceNotAvailable, SmtpFailure.ConnectionFailed)] // 421: the server is closing the connection
    [InlineData(SmtpStatusCode.MustIssueStartTlsFirst, SmtpFailure.Transient)] // 530: authentication required, also after a wrong password
    [InlineData((SmtpStatusCode)535, SmtpFailure.Transient)] // credentials invalid: the relay's settings, not the email
    public void A_5xx_reply_is_a_permanent_refusal_unless_it_refuses_our_credentials_and_anything_else_may_go_through_later(SmtpStatusCode status, SmtpFailure expected)
    {
        Assert.Equal(expected, SmtpEmailSender.Classify(new SmtpException(status, "reply")));
    }

    [Fact]
    public void A_broken_connection_is_a_connection_failure_whatever_the_status()
    {
        var broken = new SmtpException("Failure sending mail.", new IOException("Unable to read data from the transport connection"));

        Assert.Equal(SmtpFailure.ConnectionFailed, SmtpEmailSender.Classify(broken));
    }

    [Fact]
    public async Task A_refusal_over_a_pooled_connection_is_permanent_and_not_sent_again_on_a_new_one()
    {
        await using var server = new ScriptedSmtpServer(recipientCommand => recipientCommand == 1 ? "250 ok" : "550 5.1.1 no such mailbox");
        var (sender, connections) = SenderTo(server.Port);
        using var _ = connections;
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
        using var _ = connections;
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
        using var _ = connections;
        await sender.SendAsync(Email(), CancellationToken.None);
        await Task.Delay(100); // the server's close reaches the pooled client

        await sender.SendAsync(Email(), CancellationToken.None);

        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, server.Connections);
    }

    private static (SmtpEmailSender Sender, SmtpConnectionPool Connections) SenderTo(int port)
    {
        var settings = new SmtpSettings("127.0.0.1", port, StartTls: false, null, null);
        var connections = new SmtpConnectionPool(settings, TimeProvider.System);
        return (new SmtpEmailSender(settings, connections, Options.Create(new EmailOptions())), connections);
    }

    private static EmailMessage Email() => TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed());

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
