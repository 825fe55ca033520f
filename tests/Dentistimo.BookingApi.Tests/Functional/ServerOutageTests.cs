using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dentistimo.Testing;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>These stop shared servers, so they run on their own, after the tests that run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerOutageCollection
{
    public const string Name = "Server outages";
}

[Collection(ServerOutageCollection.Name)]
public sealed class ServerOutageTests : IClassFixture<IsolatedResources>
{
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(90);
    private readonly IsolatedResources _resources;

    public ServerOutageTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task With_Redis_stopped_availability_is_read_from_PostgreSQL_and_health_says_so()
    {
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var (date, start) = await driver.FindBookableSlotAsync(clinicId: 4);

        await _resources.Servers.Redis.StopAsync();
        try
        {
            var booked = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 4, start, BookingApiDriver.NewPatientEmail()));
            var slot = await driver.GetSlotAsync(4, date, start);
            var health = await GetHealthAsync(api.CreateClient());

            Assert.Equal(201, booked.Status);
            Assert.Equal(1, (int)slot["booked"]!);
            Assert.NotEqual("Healthy", (string?)health["status"]);
            Assert.Contains("Redis", (string?)health["checks"]!["cache"]!["description"]);
        }
        finally
        {
            await _resources.Servers.Redis.StartAsync();
        }

        await UntilHealthyAsync(api, "BookingApi to see Redis again");
    }

    [Fact]
    public async Task With_Redis_connected_but_silent_availability_is_read_from_PostgreSQL_and_health_says_so()
    {
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var (date, _) = await driver.FindBookableSlotAsync(clinicId: 3, daysAhead: 6);
        await UntilHealthyAsync(api, "BookingApi to connect to Redis");

        // Redis keeps every connection open and answers nothing, as a Redis that is stuck (or paused for a failover) does.
        Assert.StartsWith("+OK", await _resources.Servers.Redis.CommandAsync("CLIENT PAUSE 20000 ALL"));
        using var day = await api.CreateClient().GetAsync($"/api/clinics/3/availability?date={date:yyyy-MM-dd}");
        var health = await GetHealthAsync(api.CreateClient());

        Assert.Equal(200, (int)day.StatusCode);
        // Health still finding Redis silent shows that the read was answered during the pause, not after waiting it out.
        Assert.Equal("Degraded", (string?)health["status"]);
        Assert.Contains("Redis (cache) does not answer", (string?)health["checks"]!["cache"]!["description"]);
        await UntilHealthyAsync(api, "Redis to answer again");
    }

    [Fact]
    public async Task Bookings_made_while_RabbitMQ_is_down_have_all_their_events_delivered_once_it_returns()
    {
        await using var events = await EventRecorder.StartAsync(_resources.Messaging);
        await using var api = await new BookingApiFactory(_resources).StartedAsync();
        var driver = new BookingApiDriver(api.CreateClient());
        var (_, start) = await driver.FindBookableSlotAsync(clinicId: 2, daysAhead: 3);

        await _resources.Servers.RabbitMq.StopAsync();
        var answers = new List<(int Status, JsonObject Body)>();
        (System.Net.HttpStatusCode Code, JsonObject Body) healthWhileDown;
        try
        {
            // The slot holds one patient: the first request is confirmed and the rest are rejected, all without RabbitMQ.
            foreach (var _ in Enumerable.Range(0, 5))
            {
                answers.Add(await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, BookingApiDriver.NewPatientEmail())));
            }

            // Unlike the web, BookingApi cannot do all its work without RabbitMQ: its events wait.
            using var health = await api.CreateClient().GetAsync("/health");
            healthWhileDown = (health.StatusCode, (await health.Content.ReadFromJsonAsync<JsonObject>())!);
        }
        finally
        {
            await _resources.Servers.RabbitMq.StartAsync();
        }

        Assert.Equal([201, 409, 409, 409, 409], answers.Select(a => a.Status));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, healthWhileDown.Code);
        Assert.Equal("Unhealthy", (string?)healthWhileDown.Body["checks"]!["RabbitMQ.Client"]!["status"]);
        await events.WaitForAsync(e => e.Confirmed.Count + e.Rejected.Count >= 5, s_recovery);
        Assert.Single(events.Confirmed);
        Assert.Equal(4, events.Rejected.Count);
        Assert.Equal(
            answers.Select(a => Guid.Parse((string)(a.Status == 201 ? a.Body : a.Body["booking"]!.AsObject())["requestId"]!)).Order(),
            events.Confirmed.Select(e => e.Event.RequestId).Concat(events.Rejected.Select(e => e.Event.RequestId)).Order());
    }

    [Fact]
    public async Task BookingApi_started_while_PostgreSQL_is_down_reports_it_and_recovers_when_it_returns()
    {
        await _resources.Servers.Postgres.StopAsync();
        BookingApiFactory? api = null;
        try
        {
            api = new BookingApiFactory(_resources);
            var health = await GetHealthAsync(api.CreateClient());
            using var clinicsWhileDown = await api.CreateClient().GetAsync("/api/clinics");
            var booking = await new BookingApiDriver(api.CreateClient()).PostBookingAsync(
                BookingApiDriver.BookingRequest(Guid.NewGuid(), 1, new DateTimeOffset(DateTime.UtcNow.Date.AddDays(7).AddHours(8), TimeSpan.Zero), BookingApiDriver.NewPatientEmail()));

            Assert.Equal("Unhealthy", (string?)health["status"]);
            Assert.Contains("bookingdb", (string?)health["checks"]!["bookingdb"]!["description"]);
            // A client is told to try again later, not that BookingApi failed.
            Assert.Equal(503, (int)clinicsWhileDown.StatusCode);
            Assert.Equal("application/problem+json", clinicsWhileDown.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(clinicsWhileDown.Headers.RetryAfter);
            Assert.Equal("The booking database is unavailable", (string?)(await clinicsWhileDown.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
            Assert.Equal(503, booking.Status);
            Assert.Contains("may or may not have been decided", (string?)booking.Body["detail"]);
            Assert.Contains("the same request id is safe to send again", (string?)booking.Body["detail"]);
        }
        finally
        {
            await _resources.Servers.Postgres.StartAsync();
        }

        await UntilHealthyAsync(api, "BookingApi to migrate once PostgreSQL is back");
        var clinics = await api.CreateClient().GetFromJsonAsync<JsonArray>("/api/clinics");
        Assert.Equal(4, clinics!.Count);
        await api.DisposeAsync();
    }

    private static Task UntilHealthyAsync(BookingApiFactory api, string what) =>
        Eventually.TrueAsync(async () => (string?)(await GetHealthAsync(api.CreateClient()))["status"] == "Healthy", s_recovery, what);

    private static async Task<JsonObject> GetHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
