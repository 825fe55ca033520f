using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dentistimo.Testing;

namespace Dentistimo.Web.Tests.Functional;

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
    public async Task With_RabbitMQ_stopped_the_web_serves_its_pages_and_health_says_degraded_not_unhealthy()
    {
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        var (date, _) = await new BookingApiDriver(new HttpClient { BaseAddress = apiAddress }).FindBookableSlotAsync(clinicId: 1, daysAhead: 2);
        await using var web = new WebFactory(apiAddress, _resources.Messaging);
        using var client = web.CreateClient();
        await Eventually.TrueAsync(async () => (await GetHealthAsync(client)).Status == "Healthy", s_recovery, "the web to listen for availability events");

        await _resources.Servers.RabbitMq.StopAsync();
        try
        {
            await Eventually.TrueAsync(async () => (await GetHealthAsync(client)).Status == "Degraded", s_recovery, "the web to see RabbitMQ gone");
            var health = await GetHealthAsync(client);
            using var page = await client.GetAsync($"/book?clinic=1&date={date:yyyy-MM-dd}");

            Assert.Equal(HttpStatusCode.OK, health.Code);
            Assert.Equal("Degraded", (string?)health.Body["checks"]!["RabbitMQ.Client"]!["status"]);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        finally
        {
            await _resources.Servers.RabbitMq.StartAsync();
        }

        await Eventually.TrueAsync(async () => (await GetHealthAsync(client)).Status == "Healthy", s_recovery, "the web to hear RabbitMQ again");
    }

    [Fact]
    public async Task Started_while_RabbitMQ_is_down_the_web_says_degraded_not_unhealthy()
    {
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        await _resources.Servers.RabbitMq.StopAsync();
        try
        {
            await using var web = new WebFactory(apiAddress, _resources.Messaging);
            using var client = web.CreateClient();
            // MassTransit's bus, never started, reports itself Unhealthy; the RabbitMQ client's check fails too.
            await Eventually.TrueAsync(async () => (await GetHealthAsync(client)).Body["checks"]!.AsObject().Count(check => (string?)check.Value!["status"] != "Healthy") == 2,
                s_recovery, "both RabbitMQ checks to see it down");
            var health = await GetHealthAsync(client);

            Assert.Equal(HttpStatusCode.OK, health.Code);
            Assert.Equal("Degraded", health.Status);
            Assert.Equal("Degraded", (string?)health.Body["checks"]!["masstransit-bus"]!["status"]);
            Assert.Equal("Degraded", (string?)health.Body["checks"]!["RabbitMQ.Client"]!["status"]);
        }
        finally
        {
            await _resources.Servers.RabbitMq.StartAsync();
        }
    }

    private static async Task<(HttpStatusCode Code, string? Status, JsonObject Body)> GetHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (response.StatusCode, (string?)body["status"], body);
    }
}
