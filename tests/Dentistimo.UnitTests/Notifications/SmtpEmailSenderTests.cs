using System.Net;
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

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
