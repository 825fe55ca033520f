using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.AppHost.Tests;

/// <summary>Every arrow of the architecture, for real: Web → BookingApi → PostgreSQL, and BookingApi → RabbitMQ → Notifier → SMTP.</summary>
public sealed class WalkingSkeletonTests : IClassFixture<IsolatedResources>
{
    private readonly IsolatedResources _resources;

    public WalkingSkeletonTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task BookingApi_serves_the_four_clinics_of_the_registry_from_PostgreSQL()
    {
        await using var api = await new BookingApiFactory(_resources).StartedAsync();

        var clinics = await api.CreateClient().GetFromJsonAsync<JsonArray>("/api/clinics");

        Assert.Equal(["Your Dentist", "Tooth Fairy Dentist", "The Crown", "Lisebergs Dentists"], clinics!.Select(c => (string)c!["name"]!));
        var crown = clinics![2]!;
        Assert.Equal(2, (int)crown["dentists"]!);
        Assert.Equal("7:00-12:00", (string)crown["openingHours"]!["wednesday"]!);
        Assert.Null(crown["openingHours"]!["saturday"]);
        Assert.Equal(57.709872, (double)crown["coordinates"]!["latitude"]!);
    }

    [Fact]
    public async Task Replicas_starting_together_on_a_new_database_all_start_and_seed_the_registry_once()
    {
        var resources = new IsolatedResources(); // this class's database is migrated already
        await resources.InitializeAsync();
        var replicas = Enumerable.Range(0, 3).Select(_ => new BookingApiFactory(resources)).ToList();
        try
        {
            await Task.WhenAll(replicas.Select(replica => Task.Run(replica.StartedAsync)));

            foreach (var replica in replicas)
            {
                Assert.Equal(4, (await replica.CreateClient().GetFromJsonAsync<JsonArray>("/api/clinics"))!.Count);
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            await resources.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_web_home_page_lists_the_clinics_it_got_from_BookingApi()
    {
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        await using var web = new WebFactory(apiAddress, _resources.Messaging);

        var html = await web.CreateClient().GetStringAsync("/");

        var page = new HtmlParser().ParseDocument(html);
        var names = page.QuerySelectorAll("[data-clinic-id] .clinic-name").Select(h => h.TextContent.Trim());
        Assert.Equal(["Your Dentist", "Tooth Fairy Dentist", "The Crown", "Lisebergs Dentists"], names);
    }

    [Fact]
    public async Task The_web_home_page_says_so_when_BookingApi_is_unreachable()
    {
        await using var web = new WebFactory(new Uri("http://127.0.0.1:9"), _resources.Messaging);

        using var response = await web.CreateClient().GetAsync("/");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("cannot reach the booking service", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_event_BookingApi_publishes_reaches_the_Notifier_which_emails_it_through_SMTP()
    {
        await using var notifier = await new NotifierFactory(_resources).StartedAsync();
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var email = BookingApiDriver.NewPatientEmail();
        var startUtc = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        var requestId = Guid.NewGuid();

        // Sealed by BookingApi, opened by the notifier: both agree on the development key without any configuration.
        await api.Services.GetRequiredService<IBus>().Publish(new BookingConfirmed(
            Guid.NewGuid(), requestId, "DT-SKELETON",
            new AppointmentDetails(1, "Your Dentist", "Spannmålsgatan 20", 57.707619, 11.969388, startUtc, startUtc.AddMinutes(30)),
            api.Services.GetRequiredService<RecipientSeal>().Seal(new BookingRecipient("Test Patient", email, "en"), requestId)));

        var received = await new MailDevInbox(_resources.Servers.MailDev.WebUrl).WaitForAsync(email, 1, TimeSpan.FromSeconds(60));
        Assert.Contains("Your Dentist", received[0].Subject);
        Assert.Contains("09:00", received[0].Text);
    }

    [Fact]
    public async Task A_patient_who_books_moves_and_cancels_gets_an_email_each_time_and_the_confirmations_link_does_both()
    {
        const int theCrown = 3;
        await using var notifier = await new NotifierFactory(_resources).StartedAsync();
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var email = BookingApiDriver.NewPatientEmail();
        var (date, _) = await driver.FindBookableSlotAsync(theCrown, daysAhead: 10);
        var starts = await driver.AvailableStartsAsync(theCrown, date);
        var (status, booked) = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), theCrown, starts[^1], email));
        Assert.Equal(201, status);
        var inbox = new MailDevInbox(_resources.Servers.MailDev.WebUrl);

        var confirmation = Assert.Single(await inbox.WaitForAsync(email, 1, TimeSpan.FromSeconds(60)));
        var link = Regex.Match(confirmation.Text ?? "", @"/bookings/(?<id>[0-9a-f-]{36})/manage\?token=(?<token>[A-Za-z0-9_-]{43})");
        Assert.True(link.Success, "The confirmation carries the manage link.");
        Assert.Equal((string)booked["id"]!, link.Groups["id"].Value);
        var token = link.Groups["token"].Value;

        Assert.Equal(200, (int)(await SendAsync(HttpMethod.Post, $"/api/bookings/{link.Groups["id"].Value}/move", token, new { start = starts[^2] })).StatusCode);
        // As a patient would, after the move's email: a move still on its way once the cancellation is sent is not sent
        // at all (docs/notifier.md, "Order").
        await inbox.WaitForAsync(email, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(200, (int)(await SendAsync(HttpMethod.Post, $"/api/bookings/{link.Groups["id"].Value}/cancellation", token)).StatusCode);

        var emails = await inbox.WaitForAsync(email, 3, TimeSpan.FromSeconds(60));
        Assert.Single(emails, e => e.Subject.StartsWith("Appointment moved:", StringComparison.Ordinal));
        var cancellation = Assert.Single(emails, e => e.Subject.StartsWith("Appointment cancelled:", StringComparison.Ordinal));
        Assert.Contains("METHOD:CANCEL", await inbox.GetAttachmentAsync(cancellation, Assert.Single(cancellation.Attachments ?? [])));
        Assert.Contains($"/book?clinic={theCrown}&date={date:yyyy-MM-dd}", cancellation.Text);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(3, (await inbox.ForRecipientAsync(email)).Count);

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string bearer, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            return await driver.Http.SendAsync(request);
        }
    }
}
