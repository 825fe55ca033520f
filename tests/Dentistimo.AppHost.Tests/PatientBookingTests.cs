using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Dentistimo.Scenarios;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests;

/// <summary>
/// The end-to-end scenario of tests/Dentistimo.Scenarios against the whole AppHost as a developer runs it: PostgreSQL,
/// Redis, RabbitMQ and MailDev as executables, the three services as projects, each waited for until healthy.
/// </summary>
[Collection(WholeSystemCollection.Name)]
public sealed class PatientBookingTests
{
    /// <summary>Every resource of the AppHost's run model (AppHost.cs); each has a health check or a running state to wait for.</summary>
    private static readonly string[] s_resources = ["postgres", "bookingdb", "notifierdb", "cache", "messaging", "mail", "bookingapi", "notifier", "web"];

    // A first run installs the servers; these are safety nets for a hung system.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_scenarioTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_patient_finds_the_clinics_books_a_slot_races_others_for_its_last_places_and_everyone_gets_one_email()
    {
        using var cts = new CancellationTokenSource(s_startTimeout + s_scenarioTimeout);
        var ct = cts.Token;
        // The servers keep their files and ports apart from a developer's AppHost, which may be running beside the tests,
        // and from the other test projects' (docs/aspire.md lists each one's offset).
        await using var appHost = await AppHostServers.CreateBuilderAsync("../.local/apphost-tests", portOffset: 2000, ct);
        await using var app = await appHost.BuildAsync(ct).WaitAsync(s_startTimeout, ct);
        await app.StartAsync(ct).WaitAsync(s_startTimeout, ct);

        await Task.WhenAll(s_resources.Select(resource => app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct)))
            .WaitAsync(s_startTimeout, ct);

        // The web app answers through the AppHost's own client for it, as a browser would reach it.
        using (var web = app.CreateHttpClient("web", "http"))
        using (var health = await web.GetAsync("/health", ct))
        {
            Assert.Equal(200, (int)health.StatusCode);
        }

        using var scenario = new PatientBookingScenario(new RunningDentistimo(
            Web: app.GetEndpoint("web", "http"),
            BookingApi: app.GetEndpoint("bookingapi", "http"),
            MailInbox: app.GetEndpoint("mail", "http")));
        await scenario.RunAsync(ct).WaitAsync(s_scenarioTimeout, ct);

        // The dashboard's operator command reaches the notifier with the key the AppHost generated; without it, nothing.
        var redrive = await app.ResourceCommands.ExecuteCommandAsync("notifier", OperatorCommands.RedriveErrorQueue, ct);
        Assert.True(redrive.Success, redrive.Message);
        Assert.Equal("0 message(s) sent back to be tried again.", redrive.Message);
        using var notifier = app.CreateHttpClient("notifier", "http");
        using var anonymous = await notifier.PostAsync("/admin/error-queue/redrive", null, ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
