using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Notifier.Email;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests;

/// <summary>
/// The whole system as the AppHost runs it, but with mail sent as in production: to a relay that wants STARTTLS and a
/// password (<see cref="StartTlsMailRelay"/>), whose certificate authority the notifier is told to trust.
/// </summary>
public sealed class LaunchedSystemBehindAMailRelay : LaunchedSystem
{
    // Away from the services' and the other tests' ports; the next one if a test run beside holds it.
    private static readonly int[] s_relayPorts = [7587, 7588, 7589, 7590];

    public StartTlsMailRelay Relay { get; } = StartTlsMailRelay.Prepare(
        s_relayPorts.FirstOrDefault(Ports.IsFree) is var port and not 0 ? port : throw new InvalidOperationException("No free port for the mail relay."));

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "notifier"))
            .WithEnvironment("ConnectionStrings__mail", Relay.ConnectionString)
            // OpenSSL's file of trusted authorities, which .NET reads on Linux: the relay's private one instead of the system's.
            .WithEnvironment("SSL_CERT_FILE", Relay.AuthorityFile);

    protected override Task MailDevStartedAsync(int smtpPort, string mailDevModules) => Relay.StartAsync(smtpPort, mailDevModules);

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Relay.DisposeAsync();
        }
    }
}

[Collection(WholeSystemCollection.Name)]
public sealed class MailRelayTests(LaunchedSystemBehindAMailRelay system) : IClassFixture<LaunchedSystemBehindAMailRelay>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_confirmation_reaches_the_patient_through_a_relay_that_asks_for_STARTTLS_and_a_password()
    {
        using var http = new HttpClient { BaseAddress = system.Running.BookingApi };
        var driver = new BookingApiDriver(http);
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 1);
        var patient = BookingApiDriver.NewPatientEmail();

        var (status, _) = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, start, patient));

        Assert.Equal(201, status);
        var email = Assert.Single(await new MailDevInbox(system.Running.MailInbox).WaitForAsync(patient, 1, s_timeout));
        Assert.StartsWith("Appointment confirmed", email.Subject);
        var received = email.Header("Received") ?? "";
        Assert.Contains("with ESMTPSA", received); // over TLS and authenticated
        Assert.Matches(@"version=TLSv1\.[23]", received);
    }

    [Fact]
    public async Task While_the_relay_refuses_our_password_the_confirmation_is_retried_not_dropped_and_arrives_once_it_is_put_right()
    {
        using var http = new HttpClient { BaseAddress = system.Running.BookingApi };
        var driver = new BookingApiDriver(http);
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 1, daysAhead: 3);
        var patient = BookingApiDriver.NewPatientEmail();
        var inbox = new MailDevInbox(system.Running.MailInbox);
        var refusalsBefore = system.Relay.CredentialRefusals;

        system.Relay.RevokePassword();
        try
        {
            var (status, _) = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, start, patient));
            Assert.Equal(201, status);
            // Refused twice: tried, and tried again rather than sent to the error queue.
            await Eventually.TrueAsync(() => system.Relay.CredentialRefusals >= refusalsBefore + 2, s_timeout, "the notifier to try the relay again");
            Assert.Empty(await inbox.ForRecipientAsync(patient));
        }
        finally
        {
            system.Relay.RestorePassword();
        }

        var email = Assert.Single(await inbox.WaitForAsync(patient, 1, s_timeout));
        Assert.StartsWith("Appointment confirmed", email.Subject);
    }

    [Fact]
    public async Task A_relay_whose_certificate_is_not_trusted_gets_nothing_and_the_failure_names_the_server_not_the_patient()
    {
        // This test process trusts only the system's authorities, not the relay's.
        var settings = SmtpSettings.Parse(system.Relay.ConnectionString);
        await using var connections = new SmtpConnectionPool(settings, TimeProvider.System, maxConnections: 1);
        var sender = new SmtpEmailSender(settings, connections, Microsoft.Extensions.Options.Options.Create(new EmailOptions()), TimeProvider.System);
        var patient = BookingApiDriver.NewPatientEmail();

        var exception = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(Email(patient), CancellationToken.None));

        Assert.Contains($"smtp://127.0.0.1:{system.Relay.Port}", exception.Message);
        Assert.DoesNotContain(patient, exception.Message);
        Assert.Empty(await new MailDevInbox(system.Running.MailInbox).ForRecipientAsync(patient));
    }

    private static EmailMessage Email(string recipient) =>
        new(Guid.NewGuid(), $"<{Guid.NewGuid():N}@dentistimo.test>", "Test Patient", recipient, "Appointment confirmed", "text", "<p>html</p>", []);
}
